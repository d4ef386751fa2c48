import type { Session } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { buildContentSecurityPolicy, denyAllPermissions, installNavigationGuards, isAppUrl, isExternalWebUrl } from '../security.ts';
import { app, BrowserWindow, fakeEvent, FakeWebContents, resetFakeElectron, session, shell } from './fake-electron.ts';

vi.mock('electron', () => import('./fake-electron.ts'));

const log = vi.fn();

/** A webContents created after the guards were installed, as Electron would create it. */
function guardedContents(): FakeWebContents {
  installNavigationGuards(log);
  const contents = new FakeWebContents();
  app.emit('web-contents-created', fakeEvent(), contents);
  return contents;
}

function navigate(contents: FakeWebContents, eventName: string, url: string, isMainFrame = true): boolean {
  const event = fakeEvent({ url, isMainFrame });
  contents.emit(eventName, event, url);
  return event.defaultPrevented;
}

beforeEach(() => {
  resetFakeElectron();
  log.mockClear();
});

describe('app origin', () => {
  it.each([
    ['app://roi/index.html', true],
    ['app://roi/alerts/42?tab=history#notes', true],
    ['app://evil/index.html', false],
    ['app://roi:8080/index.html', false],
    ['app://user:pw@roi/index.html', false],
    ['https://roi/index.html', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('%s → %s', (url, expected) => expect(isAppUrl(url)).toBe(expected));

  it.each([
    ['https://www.zillow.com/homedetails/1', true],
    ['http://example.com/', true],
    ['javascript:alert(1)', false],
    ['file:///C:/Windows/System32/calc.exe', false],
    ['roidesk://alert/x', false],
    ['smb://fileserver/share', false],
    ['https://user:secret@example.com/', false],
  ])('external link %s → %s', (url, expected) => expect(isExternalWebUrl(url)).toBe(expected));
});

describe('navigation guards', () => {
  it('attach to every webContents Electron creates, windows included', () => {
    installNavigationGuards(log);
    const window = new BrowserWindow({});
    expect(navigate(window.webContents, 'will-navigate', 'https://evil.example/')).toBe(true);
  });

  it('block navigation to a foreign origin', () => {
    const contents = guardedContents();
    expect(navigate(contents, 'will-navigate', 'https://evil.example/phish')).toBe(true);
    expect(navigate(contents, 'will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(navigate(contents, 'will-navigate', 'app://other/index.html')).toBe(true);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('https://evil.example/phish'));
  });

  it('allow navigation within app://roi', () => {
    const contents = guardedContents();
    expect(navigate(contents, 'will-navigate', 'app://roi/index.html')).toBe(false);
    expect(navigate(contents, 'will-navigate', 'app://roi/alerts/3f2b8c1e')).toBe(false);
  });

  it('also guard subframe navigations and redirects', () => {
    const contents = guardedContents();
    expect(navigate(contents, 'will-frame-navigate', 'https://evil.example/frame', false)).toBe(true);
    expect(navigate(contents, 'will-frame-navigate', 'app://roi/index.html', false)).toBe(false);
    expect(navigate(contents, 'will-redirect', 'https://evil.example/redirected')).toBe(true);
    expect(navigate(contents, 'will-redirect', 'https://evil.example/frame-redirect', false)).toBe(true);
  });

  it('deny every new window, handing http(s) links to the OS browser', () => {
    const contents = guardedContents();
    const open = (url: string) => contents.windowOpenHandler!({ url });

    expect(open('https://www.redfin.com/listing/1')).toEqual({ action: 'deny' });
    expect(open('http://example.com/')).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledTimes(2);
    expect(shell.openExternal).toHaveBeenCalledWith('https://www.redfin.com/listing/1');
  });

  it('never hands javascript:, file: or other schemes to the OS', () => {
    const contents = guardedContents();
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'app://roi/index.html', 'ms-msdt:/id PCWDiagnostic', 'roidesk://alert/1']) {
      expect(contents.windowOpenHandler!({ url })).toEqual({ action: 'deny' });
    }
    expect(shell.openExternal).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('javascript:alert(1)'));
  });

  it('logs instead of crashing when the OS browser cannot be opened', async () => {
    shell.openExternal.mockRejectedValueOnce(new Error('no handler'));
    guardedContents().windowOpenHandler!({ url: 'https://example.com/' });
    await vi.waitFor(() => expect(log).toHaveBeenCalledWith(expect.stringContaining('no handler')));
  });

  it('prevent <webview> from attaching', () => {
    const contents = guardedContents();
    const event = fakeEvent();
    contents.emit('will-attach-webview', event, { preload: '/evil.js', nodeIntegration: true }, { src: 'https://evil.example/' });
    expect(event.defaultPrevented).toBe(true);
  });
});

describe('permissions', () => {
  it('denies every permission request and check', () => {
    denyAllPermissions(session.defaultSession as unknown as Session, log);
    const { permissionRequestHandler, permissionCheckHandler, devicePermissionHandler } = session.defaultSession;

    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
      const callback = vi.fn();
      permissionRequestHandler!(new FakeWebContents(), permission, callback, { requestingUrl: 'app://roi/index.html' });
      expect(callback).toHaveBeenCalledWith(false);
    }
    expect(permissionCheckHandler!(null, 'media', 'app://roi', {})).toBe(false);
    expect(devicePermissionHandler!({ deviceType: 'usb', origin: 'app://roi' })).toBe(false);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('"geolocation"'));
  });
});

describe('content security policy', () => {
  it("starts from default-src 'none' and allows only the app and the sync server", () => {
    const csp = buildContentSecurityPolicy('https://sync.cascade-realty.test:7300/api');
    expect(csp.startsWith("default-src 'none'")).toBe(true);
    const directives = Object.fromEntries(csp.split('; ').map((directive) => [directive.split(' ')[0], directive]));
    expect(directives['script-src']).toBe("script-src 'self'");
    expect(directives['style-src']).toBe("style-src 'self' 'unsafe-inline'");
    expect(directives['img-src']).toBe("img-src 'self' data:");
    expect(directives['font-src']).toBe("font-src 'self' data:");
    expect(directives['connect-src']).toBe("connect-src 'self' https://sync.cascade-realty.test:7300");
    expect(directives['base-uri']).toBe("base-uri 'none'");
    expect(directives['form-action']).toBe("form-action 'none'");
    expect(csp).not.toMatch(/unsafe-eval|\*/);
  });

  it('leaves out a server URL that is not http(s)', () => {
    expect(buildContentSecurityPolicy('javascript:alert(1)')).toContain("connect-src 'self';");
    expect(buildContentSecurityPolicy('nonsense')).toContain("connect-src 'self';");
  });
});
