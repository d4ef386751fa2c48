// One error shape for every failure the API reports: {"error":{"code","message"[,"details"]}}.
// `code` is stable (clients branch on it); `message` is for a person: what went wrong, what to do.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';

export type ApiErrorCode =
  | 'invalid_request'
  | 'invalid_json'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'not_found'
  | 'unauthenticated'
  | 'invalid_token'
  | 'token_expired'
  | 'invalid_credentials'
  | 'invalid_refresh_token'
  | 'refresh_token_expired'
  | 'device_revoked'
  | 'account_deactivated'
  | 'forbidden'
  | 'rate_limited'
  | 'totp_required'
  | 'invalid_totp'
  | 'totp_enrollment_required'
  | 'service_unavailable'
  // Campaign run leases (sync-server/campaigns/run-claims.ts): another device sends it, it is done, or the lease lapsed.
  | 'run_claimed'
  | 'run_completed'
  | 'lease_lost'
  | 'internal';

export type ApiErrorDetail = { path: string; message: string };
export type ApiErrorBody = { error: { code: ApiErrorCode; message: string; details?: ApiErrorDetail[] } & Record<string, unknown> };

export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: ApiErrorCode;
  readonly details: ApiErrorDetail[] | undefined;
  /** Extra response headers, e.g. Retry-After for 429. */
  readonly headers: Record<string, string>;
  /** Extra fields of the error object a client needs to act (e.g. a two-factor enrollment key). */
  readonly data: Record<string, unknown>;

  constructor(
    statusCode: number,
    code: ApiErrorCode,
    message: string,
    options: { details?: ApiErrorDetail[]; headers?: Record<string, string>; data?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers ?? {};
    this.data = options.data ?? {};
  }
}

/** Validates a request body with a zod schema; a mismatch becomes a 400 naming every bad field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (body === undefined || body === null) {
    throw new ApiError(400, 'invalid_request', 'The request needs a JSON body (Content-Type: application/json).');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
  const summary = details.map((d) => `${d.path}: ${d.message}`).join('; ');
  throw new ApiError(400, 'invalid_request', `The request body is invalid — ${summary}.`, { details });
}

function sendError(reply: FastifyReply, statusCode: number, body: ApiErrorBody, headers: Record<string, string> = {}) {
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  return reply.status(statusCode).type('application/json; charset=utf-8').send(body);
}

/**
 * Installs the not-found and error handlers that turn Fastify's own errors (bad JSON, body too
 * large, wrong media type), our ApiErrors and anything unexpected into the one shape above.
 * Unexpected errors are logged with their stack and answered with a generic 500: internals never leak.
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) =>
    sendError(reply, 404, {
      error: {
        code: 'not_found',
        message:
          `There is no ${request.method} ${request.url.split('?')[0]} on this server. ` +
          'Check the address and the method; GET /version tells which API this server speaks.',
      },
    }),
  );

  app.setErrorHandler((error: FastifyError | ApiError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ApiError) {
      if (error.statusCode >= 500) request.log[error.code === 'service_unavailable' ? 'warn' : 'error']({ err: error }, error.message);
      return sendError(
        reply,
        error.statusCode,
        { error: { ...error.data, code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } },
        error.headers,
      );
    }
    const fastifyError = error as FastifyError;
    switch (fastifyError.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendError(reply, 413, {
          error: {
            code: 'payload_too_large',
            message: `The request body is larger than this server accepts (${formatBytes(request.routeOptions.bodyLimit ?? 0)}). Send less data per request.`,
          },
        });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendError(reply, 415, {
          error: {
            code: 'unsupported_media_type',
            message: `Content-Type ${request.headers['content-type'] ?? '(none)'} is not accepted. Send JSON with Content-Type: application/json.`,
          },
        });
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return sendError(reply, 400, {
          error: { code: 'invalid_request', message: 'The request body does not match its Content-Length header. Resend the request.' },
        });
      default:
        break;
    }
    const status = fastifyError.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // A 4xx from Fastify or a plugin we did not map above: keep its status and its (safe) message.
      return sendError(reply, status, { error: { code: status === 404 ? 'not_found' : 'invalid_request', message: error.message } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, 500, {
      error: {
        code: 'internal',
        message: `The server failed to handle this request (request id ${request.id}). Try again; if it keeps failing, give the request id to your administrator.`,
      },
    });
  });
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
