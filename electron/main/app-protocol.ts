// The renderer is served from app://roi/… and never from file://. A privileged standard scheme gives the
// page a real origin (so CSP 'self', fetch and storage behave as on the web), and this handler decides
// exactly which files are reachable: only those under the built renderer directory. Under file:// any
// script that ran in the page could read the whole disk.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { protocol } from 'electron';

export const APP_SCHEME = 'app';
export const APP_HOST = 'roi';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

const INDEX_FILE = 'index.html';

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

/** Content-Type for a file name; unknown types are served as opaque bytes (with nosniff, never run). */
export function mimeTypeFor(fileName: string): string {
  return MIME_TYPES[path.extname(fileName).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Declares `app` a privileged scheme. Electron only accepts this before the app's `ready` event.
 * standard: relative URLs and a real origin; secure: a secure context (no mixed-content downgrades);
 * supportFetchAPI: the renderer may fetch its own assets; codeCache: V8 caches our bundles.
 * Deliberately not bypassCSP, corsEnabled or allowServiceWorkers: nothing here needs them.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/**
 * The file under `rootDir` that a URL path names, or null when the decoded path would leave the root
 * (`..`, an encoded `%2e%2e%2f`, an absolute or drive path, a NUL byte). URL parsing already collapses
 * literal dot segments; this check is what stops the encoded forms, which only become `..` on decoding.
 */
export function resolveInsideRoot(rootDir: string, urlPathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPathname);
  } catch {
    return null; // malformed percent-encoding
  }
  if (decoded.includes('\0')) return null;
  const root = path.resolve(rootDir);
  const relative = decoded.replace(/^[/\\]+/, '');
  const candidate = path.resolve(root, relative === '' ? INDEX_FILE : relative);
  const fromRoot = path.relative(root, candidate);
  if (fromRoot === '' || fromRoot === '..' || fromRoot.startsWith(`..${path.sep}`) || path.isAbsolute(fromRoot)) return null;
  return candidate;
}

/**
 * Client-side routes (`/alerts/…`) have no file behind them; a document request for an extension-less
 * path gets index.html so a reload on a deep route works. Asset requests (scripts, images) never get the
 * fallback: a missing asset must be a 404, not HTML the browser then tries to run as a script.
 */
function wantsDocumentFallback(request: Request, pathname: string): boolean {
  if (path.posix.extname(pathname) !== '') return false;
  const accept = request.headers.get('accept') ?? '';
  return accept.includes('text/html') || request.headers.get('sec-fetch-dest') === 'document';
}

async function readFileIfPresent(file: string): Promise<Buffer | null> {
  try {
    const stat = await fs.stat(file);
    return stat.isFile() ? await fs.readFile(file) : null;
  } catch {
    return null;
  }
}

export type AppRequestHandlerOptions = {
  /** The built renderer (dist/renderer). */
  rootDir: string;
  /** Sent with every response; see security.ts. */
  contentSecurityPolicy: string;
};

export function createAppRequestHandler(options: AppRequestHandlerOptions): (request: Request) => Promise<Response> {
  const rootDir = path.resolve(options.rootDir);
  const baseHeaders = {
    'Content-Security-Policy': options.contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
  const plain = (status: number, text: string, extra: Record<string, string> = {}) =>
    new Response(text, { status, headers: { ...baseHeaders, 'Content-Type': 'text/plain; charset=utf-8', ...extra } });

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed', { Allow: 'GET, HEAD' });

    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return plain(400, 'Bad request');
    }
    if (url.host !== APP_HOST || url.username !== '' || url.password !== '') return plain(404, 'Not found');

    const target = resolveInsideRoot(rootDir, url.pathname);
    if (target === null) return plain(404, 'Not found');

    let file = target;
    let body = await readFileIfPresent(file);
    if (body === null && wantsDocumentFallback(request, url.pathname)) {
      file = path.join(rootDir, INDEX_FILE);
      body = await readFileIfPresent(file);
    }
    if (body === null) return plain(404, 'Not found');

    const headers = { ...baseHeaders, 'Content-Type': mimeTypeFor(file), 'Content-Length': String(body.byteLength) };
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
  };
}

/** Serves the renderer on app://roi/. Call after `ready`, before the window loads its first URL. */
export function serveAppProtocol(options: AppRequestHandlerOptions): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(options));
}
