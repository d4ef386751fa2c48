// The console's calls to its server: same origin, the session cookie sent by the browser, the CSRF token
// added to every state-changing request. Errors arrive as {error:{code,message}} and become ConsoleApiError.

export class ConsoleApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: { path: string; message: string }[];
  /** Extra fields of the error object (e.g. a two-factor enrollment key). */
  readonly data: Record<string, unknown>;
  constructor(status: number, code: string, message: string, details: { path: string; message: string }[] = [], data: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.data = data;
  }
}

let csrfToken = '';
let onSignedOut: (message: string) => void = () => {};

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when the server says the session is gone (expired, signed out elsewhere): the app shows sign-in. */
export function onSessionEnded(handler: (message: string) => void): void {
  onSignedOut = handler;
}

type CallOptions = { body?: unknown; raw?: Blob | File | string; contentType?: string; background?: boolean; signal?: AbortSignal };

export async function api<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') headers['x-csrf-token'] = csrfToken;
  if (options.background) headers['x-console-background'] = '1';
  let body: BodyInit | undefined;
  if (options.raw !== undefined) {
    body = options.raw;
    headers['content-type'] = options.contentType ?? 'application/octet-stream';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  let response: Response;
  try {
    response = await fetch(`/console/api${path}`, { method, headers, body, credentials: 'same-origin', signal: options.signal });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ConsoleApiError(0, 'network', 'The server cannot be reached. Check your connection and try again.');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; details?: { path: string; message: string }[]; signIn?: boolean } } | undefined)?.error;
    const failure = new ConsoleApiError(response.status, error?.code ?? 'http_error', error?.message ?? `The server answered ${response.status}.`, error?.details ?? [], (error ?? {}) as Record<string, unknown>);
    if (response.status === 401 && error?.signIn) onSignedOut(failure.message);
    throw failure;
  }
  return parsed as T;
}

/** A query string from the non-empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
