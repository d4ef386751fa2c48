// A failed API call: the code is stable for branching, the message is written for the user.

/** Codes the client raises itself, on top of those the main process sends (invalid_credentials, …). */
export type ClientErrorCode = 'server_unreachable' | 'timeout' | 'protocol_error';

export class ApiError extends Error {
  readonly code: string;
  readonly operation: string | null;

  constructor(code: string, message: string, options?: { operation?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.operation = options?.operation ?? null;
  }
}

const hasStringField = <K extends string>(value: unknown, key: K): value is Record<K, string> =>
  typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[key] === 'string';

/**
 * Whatever a call rejected with, as an ApiError. Electron's contextBridge copies only the message of
 * an Error, so the preload may reject with a plain `{ code, message }` object instead; both work.
 */
export function toApiError(error: unknown, operation?: string): ApiError {
  if (error instanceof ApiError) return error;
  const message = hasStringField(error, 'message') ? error.message : String(error);
  const code = hasStringField(error, 'code') ? error.code : 'internal';
  return new ApiError(code, message, { ...(operation === undefined ? {} : { operation }), cause: error });
}

/** The user-facing text for any error thrown by an API call (or anything else). */
export function errorMessage(error: unknown): string {
  if (hasStringField(error, 'message') && error.message.trim() !== '') return error.message;
  return 'Something went wrong. Try again; if it keeps happening, restart ROI Desk.';
}

export const errorCode = (error: unknown): string | null => (hasStringField(error, 'code') ? error.code : null);
