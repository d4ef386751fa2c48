import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { APP_ENTRY_URL, createAppRequestHandler, mimeTypeFor, registerAppScheme, resolveInsideRoot, serveAppProtocol } from '../app-protocol.ts';
import { protocol, resetFakeElectron } from './fake-electron.ts';

vi.mock('electron', () => import('./fake-electron.ts'));

const CSP = "default-src 'none'; script-src 'self'";
const INDEX = '<!doctype html><title>ROI Desk</title><script type="module" src="/assets/app.js"></script>';
const SECRET = 'secret outside the renderer root';

// <tmp>/renderer is the served root; <tmp>/secret.txt sits beside it, one `..` away.
let tmp: string;
let root: string;
let handle: (request: Request) => Promise<Response>;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'roi-app-protocol-'));
  root = path.join(tmp, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), INDEX);
  writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log("roi");');
  writeFileSync(path.join(root, 'assets', 'app.css'), 'body{margin:0}');
  writeFileSync(path.join(root, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(path.join(root, '..config.json'), '{}');
  writeFileSync(path.join(tmp, 'secret.txt'), SECRET);
  handle = createAppRequestHandler({ rootDir: root, contentSecurityPolicy: CSP });
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeEach(() => resetFakeElectron());

const get = (url: string, headers: Record<string, string> = {}) => handle(new Request(url, { headers }));
const asDocument = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('app:// scheme registration', () => {
  it('registers app as a standard, secure scheme without CSP bypass', () => {
    registerAppScheme();
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
    ]);
  });

  it('handles the app scheme with the file handler', async () => {
    serveAppProtocol({ rootDir: root, contentSecurityPolicy: CSP });
    expect(protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    const response = await protocol.handlers.get('app')!(new Request(APP_ENTRY_URL));
    expect(await response.text()).toBe(INDEX);
  });
});

describe('serving the renderer', () => {
  it('serves index.html for the entry URL and for the bare origin', async () => {
    for (const url of ['app://roi/index.html', 'app://roi/', 'app://roi']) {
      const response = await get(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await response.text()).toBe(INDEX);
    }
  });

  it('serves assets with their MIME types', async () => {
    const js = await get('app://roi/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('console.log("roi");');
    expect((await get('app://roi/assets/app.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await get('app://roi/assets/logo.svg')).headers.get('content-type')).toBe('image/svg+xml');
  });

  it('sends the CSP and nosniff with every response, errors included', async () => {
    for (const url of ['app://roi/index.html', 'app://roi/assets/app.js', 'app://roi/assets/missing.js']) {
      const response = await get(url);
      expect(response.headers.get('content-security-policy')).toBe(CSP);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('falls back to index.html for client-side routes requested as documents', async () => {
    const response = await get('app://roi/alerts/3f2b8c1e-9d4a-4e6b-8f1a-2c3d4e5f6a7b', asDocument);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(INDEX);
  });

  it('answers 404, never index.html, for a missing asset', async () => {
    expect((await get('app://roi/assets/missing.js', { accept: '*/*' })).status).toBe(404);
    expect((await get('app://roi/assets/missing.js', asDocument)).status).toBe(404);
    expect((await get('app://roi/alerts/42')).status).toBe(404); // not a document request
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await handle(new Request('app://roi/assets/app.js', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String('console.log("roi");'.length));
    expect(await head.text()).toBe('');
    const post = await handle(new Request('app://roi/index.html', { method: 'POST', body: 'x' }));
    expect(post.status).toBe(405);
  });

  it('serves only the roi host', async () => {
    expect((await get('app://evil/index.html')).status).toBe(404);
    expect((await get('app://roi:8080/index.html')).status).toBe(404);
  });

  it('knows common MIME types and falls back to opaque bytes', () => {
    expect(mimeTypeFor('chunk.MJS')).toBe('text/javascript; charset=utf-8');
    expect(mimeTypeFor('font.woff2')).toBe('font/woff2');
    expect(mimeTypeFor('model.onnx')).toBe('application/octet-stream');
  });
});

describe('path traversal', () => {
  // The literal form is collapsed by URL parsing (to /etc/passwd inside the root), the encoded forms
  // only turn into `..` on decoding: both must end outside the file system beyond the root.
  it.each([
    'app://roi/../../etc/passwd',
    'app://roi/%2e%2e/%2e%2e/etc/passwd',
    'app://roi/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    'app://roi/%2e%2e%2fsecret.txt',
    'app://roi/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://roi/..%2fsecret.txt',
    'app://roi/..%5csecret.txt',
    'app://roi/%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
    'app://roi/%2fetc%2fpasswd',
    'app://roi/index.html%00.js',
    'app://roi/%E0%A4%A',
  ])('refuses %s', async (url) => {
    const response = await get(url);
    expect(response.status).toBe(404);
    const body = await response.text();
    expect(body).not.toContain(SECRET);
    expect(body).not.toMatch(/root:.*:0:0:/);
  });

  it('never reads outside the root, even for document requests', async () => {
    for (const url of ['app://roi/../../etc/passwd', 'app://roi/%2e%2e%2fsecret.txt', 'app://roi/%2e%2e%2f%2e%2e%2fetc%2fpasswd']) {
      const body = await (await get(url, asDocument)).text();
      expect(body).not.toContain(SECRET);
      expect(body).not.toMatch(/root:.*:0:0:/);
    }
  });

  it('resolves only paths that stay inside the root', () => {
    expect(resolveInsideRoot(root, '/assets/app.js')).toBe(path.join(root, 'assets', 'app.js'));
    expect(resolveInsideRoot(root, '/')).toBe(path.join(root, 'index.html'));
    expect(resolveInsideRoot(root, '/..config.json')).toBe(path.join(root, '..config.json')); // a name, not a parent
    expect(resolveInsideRoot(root, '/%2e%2e%2fsecret.txt')).toBeNull();
    expect(resolveInsideRoot(root, '/%2e%2e')).toBeNull();
    expect(resolveInsideRoot(root, '/a/%00')).toBeNull();
    expect(resolveInsideRoot(root, '/%zz')).toBeNull();
  });
});
