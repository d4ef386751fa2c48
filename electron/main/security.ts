// Guards from Electron's security checklist that are not window options: navigation stays inside the app,
// new windows are never created (http(s) links go to the user's browser), <webview> cannot attach, every
// permission request is denied, and the renderer's CSP starts from default-src 'none'.
// The page only ever shows our own bundled renderer, so anything else that tries to load is an attack or a
// bug, and the answer to both is "no".
import { app, shell, type Session, type WebContents } from 'electron';
import { APP_HOST, APP_SCHEME } from './app-protocol.ts';

type Log = (message: string) => void;

function parseUrl(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/** True for URLs of our own renderer (app://roi/…) and nothing else: no other host, port or credentials. */
export function isAppUrl(raw: string): boolean {
  const url = parseUrl(raw);
  return url !== null && url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.username === '' && url.password === '';
}

/** Links we hand to the OS browser: http(s) only. javascript:, file:, custom schemes could run things locally. */
export function isExternalWebUrl(raw: string): boolean {
  const url = parseUrl(raw);
  return url !== null && (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '' && url.username === '' && url.password === '';
}

/** Shortened and escaped for a log line: URLs come from untrusted pages and may be huge or hold control characters. */
export function describeUrl(raw: string): string {
  return JSON.stringify(raw.length > 200 ? `${raw.slice(0, 200)}…` : raw);
}

export { buildContentSecurityPolicy } from '../security/content-security-policy.ts';

/** Opens an http(s) URL in the user's browser; anything else is refused and logged. */
export function openExternalSafely(url: string, log: Log): boolean {
  if (!isExternalWebUrl(url)) {
    log(`Refused to open ${describeUrl(url)} outside the app: only http(s) links open in the browser.`);
    return false;
  }
  shell.openExternal(url).catch((error: unknown) => log(`Could not open ${describeUrl(url)} in the browser: ${String(error)}`));
  return true;
}

/** Navigation, pop-up and <webview> guards for one webContents. */
export function hardenWebContents(contents: WebContents, log: Log): void {
  // will-navigate guards the top frame (the event the security checklist names), will-frame-navigate
  // the subframes (it fires for the top frame too, which will-navigate already handled), will-redirect
  // server-side redirects of either.
  const blockForeign = (kind: string) => (event: { url: string; isMainFrame: boolean; preventDefault(): void }) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    log(`Blocked ${kind} to ${describeUrl(event.url)}: the window only shows the app itself.`);
  };
  const blockNavigation = blockForeign('navigation');
  const blockFrameNavigation = blockForeign('frame navigation');
  contents.on('will-navigate', blockNavigation);
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) blockFrameNavigation(event);
  });
  contents.on('will-redirect', blockForeign('redirect'));

  // No second window ever: a link with target=_blank (or window.open) opens in the browser if it is http(s).
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url, log);
    return { action: 'deny' };
  });

  // webviewTag is off in webPreferences; this also stops any webview that would slip through.
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('Blocked a <webview>: the app never embeds other pages.');
  });
}

/** Every webContents the app ever creates (windows, devtools, anything else) gets the guards. Call before `ready`. */
export function installNavigationGuards(log: Log): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, log));
}

/**
 * The app needs no browser permission (camera, geolocation, notifications, clipboard-read, USB, …):
 * native notifications come from the main process. Deny requests and checks, and say which in the log.
 */
export function denyAllPermissions(target: Session, log: Log): void {
  target.setPermissionRequestHandler((_contents, permission, callback) => {
    log(`Denied the renderer's request for the "${permission}" permission.`);
    callback(false);
  });
  target.setPermissionCheckHandler(() => false);
  target.setDevicePermissionHandler(() => false);
}
