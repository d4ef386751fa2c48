// Validates a call against the contract and runs its handler. Shared by Electron's ipcMain
// registration and the browser-mode WebSocket host so both boundaries behave identically.
import { ipcContract, type IpcResult, type OperationHandlers } from './contract.ts';
import { AppError } from './errors.ts';
import { OPERATION_NAMES, type OperationName } from './operations.ts';

const isOperation = (name: unknown): name is OperationName =>
  typeof name === 'string' && (OPERATION_NAMES as readonly string[]).includes(name);

export async function dispatch(
  handlers: OperationHandlers,
  operation: unknown,
  rawInput: unknown,
  onInternalError: (error: unknown, operation: string) => void = () => {},
): Promise<IpcResult<unknown>> {
  if (!isOperation(operation)) {
    return { ok: false, error: { code: 'unknown_operation', message: `Unknown operation: ${String(operation).slice(0, 80)}` } };
  }
  const parsed = ipcContract[operation].input.safeParse(rawInput);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.length ? `${first.path.join('.')}: ` : '';
    return { ok: false, error: { code: 'invalid_input', message: `${where}${first?.message ?? 'invalid input'}` } };
  }
  try {
    const handler = handlers[operation] as (input: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, error: { code: error.code, message: error.message } };
    onInternalError(error, operation);
    return { ok: false, error: { code: 'internal', message: `Something went wrong in ${operation}; details are in the app log.` } };
  }
}
