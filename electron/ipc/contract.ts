// The one typed IPC contract between the renderer and the main process (or browser-mode host).
// Inputs are validated with these schemas at the boundary; the renderer imports types only.
import { z } from 'zod';
import { ROLES } from '../../db/schema/vocabulary.ts';
import type { EventName, OperationName } from './operations.ts';

const email = z.string().trim().toLowerCase().email('Enter a valid email address').max(254);

export const sessionUserSchema = z.object({
  id: z.string(),
  brokerageId: z.string().nullable(),
  role: z.enum(ROLES),
  name: z.string(),
  email: z.string(),
});

export const sessionSchema = z.object({
  user: sessionUserSchema,
  deviceId: z.string(),
  serverUrl: z.string(),
  /** True when the app started from the remembered session because the server was unreachable. */
  offline: z.boolean(),
});

export const syncStatusSchema = z.object({
  online: z.boolean(),
  pendingChanges: z.number().int().nonnegative(),
  failedChanges: z.number().int().nonnegative(),
  lastSyncAt: z.string().nullable(),
  error: z.string().nullable(),
});

export const appInfoSchema = z.object({
  version: z.string(),
  shell: z.enum(['electron', 'browser']),
  serverUrl: z.string(),
  platform: z.string(),
  /** False when no OS keychain is reachable: the session then is not remembered across restarts. */
  keychainAvailable: z.boolean(),
});

/** A local edit the server refused: shown to the user with the reason until dismissed. */
export const rejectedChangeSchema = z.object({
  id: z.number().int(),
  tableName: z.string(),
  op: z.string(),
  rowId: z.string(),
  changes: z.string(),
  reason: z.string(),
  at: z.string(),
});

const none = z.undefined().optional();

export const ipcContract = {
  getAppInfo: { input: none, output: appInfoSchema },
  getSession: { input: none, output: sessionSchema.nullable() },
  signIn: {
    input: z.object({
      email,
      password: z.string().min(1, 'Enter your password').max(1024),
      serverUrl: z.string().url().max(2048).optional(),
      /** The 6-digit code of the user's authenticator app, when the server asks for one. */
      totpCode: z.string().trim().regex(/^\d{6}$/, 'Enter the 6-digit code').optional(),
      recoveryCode: z.string().trim().min(8).max(20).optional(),
    }),
    output: sessionSchema,
  },
  signOut: { input: none, output: z.object({ pendingChangesKept: z.number().int().nonnegative() }) },
  getSyncStatus: { input: none, output: syncStatusSchema },
  listRejectedChanges: { input: none, output: z.array(rejectedChangeSchema) },
  dismissRejectedChange: { input: z.object({ id: z.number().int().positive() }), output: z.object({ dismissed: z.boolean() }) },
} satisfies Record<OperationName, { input: z.ZodType; output: z.ZodType }>;

export const ipcEvents = {
  sessionChanged: sessionSchema.nullable(),
  syncStatusChanged: syncStatusSchema,
  /** Rows of these tables changed (synced from the server or edited here): views showing them reload. */
  dataChanged: z.object({ tables: z.array(z.string()) }),
  openAlert: z.object({ alertId: z.string() }),
} satisfies Record<EventName, z.ZodType>;

// Compile-time proof that operations.ts lists exactly the contract's keys.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const contractMatchesNames: Exact<keyof typeof ipcContract, OperationName> = true;
export const eventsMatchNames: Exact<keyof typeof ipcEvents, EventName> = true;

export type IpcContract = typeof ipcContract;
export type OperationInput<N extends OperationName> = z.input<IpcContract[N]['input']>;
export type OperationOutput<N extends OperationName> = z.output<IpcContract[N]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof ipcEvents)[E]>;

export type Session = z.output<typeof sessionSchema>;
export type SyncStatus = z.output<typeof syncStatusSchema>;
export type AppInfo = z.output<typeof appInfoSchema>;
export type RejectedChange = z.output<typeof rejectedChangeSchema>;

/** What the renderer sees as `window.api` (Electron) or its WebSocket twin (browser mode). */
export type RendererApi = {
  [N in OperationName]: (input?: OperationInput<N>) => Promise<OperationOutput<N>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/** The main-process side: one handler per operation, given validated input. */
type HandlerInput<N extends OperationName> = z.output<IpcContract[N]['input']>;
export type OperationHandlers = {
  [N in OperationName]: undefined extends HandlerInput<N>
    ? (input?: HandlerInput<N>) => Promise<OperationOutput<N>>
    : (input: HandlerInput<N>) => Promise<OperationOutput<N>>;
};

/** Wire envelope for both Electron IPC and the browser-mode WebSocket (errors survive serialisation). */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
