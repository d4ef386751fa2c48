// The Electron side of the IPC contract: one ipcMain.handle per operation on `roi:<operation>`, each call
// validated and run by the same dispatch() the browser-mode host uses, and main → renderer events on one
// channel. A call is served only when it comes from the top frame of our own window showing app://roi —
// the preload is the only code that can invoke, but a compromised or navigated frame must not borrow it.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { EventPayload, IpcResult, OperationHandlers } from '../ipc/contract.ts';
import { dispatch } from '../ipc/dispatch.ts';
import type { AppErrorCode } from '../ipc/errors.ts';
import { CHANNEL_PREFIX, OPERATION_NAMES, type EventName, type OperationName } from '../ipc/operations.ts';
import { isAppUrl } from './security.ts';

type Log = (message: string) => void;

/** Main → renderer events travel as `{ event, payload }` on this single channel (the preload filters by name). */
export const EVENT_CHANNEL = `${CHANNEL_PREFIX}event`;

export const operationChannel = (operation: OperationName): string => `${CHANNEL_PREFIX}${operation}`;

export type EventMessage<E extends EventName = EventName> = { event: E; payload: EventPayload<E> };

type SenderInfo = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>;

/**
 * Trusted = sent by our main window's webContents, from its top frame, while that frame shows app://roi.
 * senderFrame is null once the frame navigated away or was destroyed: that is a refusal too.
 */
export function isTrustedSender(event: SenderInfo, window: BrowserWindow | null): boolean {
  if (!window || window.isDestroyed()) return false;
  if (event.sender.id !== window.webContents.id) return false;
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return isAppUrl(frame.url);
}

const failure = (code: AppErrorCode, message: string): IpcResult<never> => ({ ok: false, error: { code, message } });

export type IpcRegistrationOptions = {
  /** Resolves once the services are up; calls made during start-up simply wait for it. */
  handlers: () => Promise<OperationHandlers>;
  /** The window allowed to call (null while none is open). */
  window: () => BrowserWindow | null;
  log: Log;
};

/** Registers every operation's handler; returns a function that removes them again. */
export function registerIpcHandlers(options: IpcRegistrationOptions): () => void {
  const { log } = options;
  for (const operation of OPERATION_NAMES) {
    ipcMain.handle(operationChannel(operation), async (event, input: unknown): Promise<IpcResult<unknown>> => {
      if (!isTrustedSender(event, options.window())) {
        log(`Refused ${operation} from ${JSON.stringify(event.senderFrame?.url ?? 'a destroyed frame')}: only the app window may call it.`);
        return failure('forbidden', `This page is not allowed to call ${operation}.`);
      }
      let handlers: OperationHandlers;
      try {
        handlers = await options.handlers();
      } catch (error) {
        log(`Cannot run ${operation}: the app's services failed to start (${String(error)}).`);
        return failure('internal', 'ROI Desk did not start correctly. Restart it; if this keeps happening, the details are in the app log.');
      }
      return dispatch(handlers, operation, input, (error, name) => {
        log(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      });
    });
  }
  return () => {
    for (const operation of OPERATION_NAMES) ipcMain.removeHandler(operationChannel(operation));
  };
}

/** Sends one event to a renderer; a destroyed webContents (window closing) is skipped, not an error. */
export function sendEvent<E extends EventName>(contents: WebContents, event: E, payload: EventPayload<E>): void {
  if (contents.isDestroyed()) return;
  const message: EventMessage<E> = { event, payload };
  contents.send(EVENT_CHANNEL, message);
}
