import { OPERATION_NAMES, type OperationName, type RendererApi } from './ipcContract.ts';

export type OperationCaller = (operation: OperationName, input: unknown) => Promise<unknown>;

/**
 * One function per operation, built from the contract's list of names so a new operation needs no
 * change here. The cast is the single place where the per-operation input/output types are asserted:
 * `call` is typed loosely because the wire carries JSON, and the contract types each name's result.
 */
export function buildRendererApi(call: OperationCaller, on: RendererApi['on']): RendererApi {
  const operations = Object.fromEntries(
    OPERATION_NAMES.map((operation) => [operation, (input?: unknown) => call(operation, input)] as const),
  );
  return { ...operations, on } as unknown as RendererApi;
}
