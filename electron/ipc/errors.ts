// Errors that cross the IPC boundary carry a stable code the renderer can branch on and a message
// written for the user (what went wrong and what to do).
export type AppErrorCode =
  | 'invalid_input'
  | 'unknown_operation'
  | 'unauthenticated'
  | 'invalid_credentials'
  | 'server_unreachable'
  | 'server_error'
  | 'device_revoked'
  | 'forbidden'
  | 'not_found'
  | 'totp_required'
  | 'invalid_totp'
  | 'totp_enrollment_required'
  | 'internal';

export class AppError extends Error {
  readonly code: AppErrorCode;
  constructor(code: AppErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
  }
}
