import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createDeepLinkRouter, findDeepLinkArgument, parseDeepLink, registerDeepLinkScheme } from '../deep-links.ts';
import type { MainWindowHost } from '../window.ts';
import { app, resetFakeElectron } from './fake-electron.ts';

vi.mock('electron', () => import('./fake-electron.ts'));

const ID = '3f2b8c1e-9d4a-4e6b-8f1a-2c3d4e5f6a7b';

beforeEach(() => resetFakeElectron());

describe('parseDeepLink', () => {
  it.each([
    `roidesk://alert/${ID}`,
    `roidesk://alert/${ID}/`,
    `roidesk://alert/${ID.toUpperCase()}`,
    `ROIDESK://Alert/${ID}`,
  ])('accepts %s', (link) => {
    expect(parseDeepLink(link)).toEqual({ kind: 'alert', alertId: ID });
  });

  it.each([
    ['another scheme', `https://alert/${ID}`],
    ['another host', `roidesk://contact/${ID}`],
    ['no id', 'roidesk://alert/'],
    ['a short id', 'roidesk://alert/123'],
    ['a non-uuid id', 'roidesk://alert/not-a-uuid-at-all-really-no-1234'],
    ['extra characters', `roidesk://alert/${ID}x`],
    ['extra segments', `roidesk://alert/${ID}/delete`],
    ['a parent segment', `roidesk://alert/../${ID}`],
    ['an encoded parent', 'roidesk://alert/%2e%2e%2fsettings'],
    ['percent-encoding', `roidesk://alert/${ID.replace('3', '%33')}`],
    ['a query', `roidesk://alert/${ID}?next=https://evil.example`],
    ['a fragment', `roidesk://alert/${ID}#x`],
    ['credentials', `roidesk://user:pw@alert/${ID}`],
    ['a port', `roidesk://alert:99/${ID}`],
    ['a space (argument smuggling)', `roidesk://alert/${ID} --inspect=0.0.0.0`],
    ['a quote', `roidesk://alert/${ID}"`],
    ['a control character', `roidesk://alert/${ID}\n`],
    ['an over-long link', `roidesk://alert/${ID}/${'a'.repeat(300)}`],
    ['the empty string', ''],
    ['junk', 'roidesk:'],
    ['javascript', 'javascript:alert(1)'],
  ])('rejects %s', (_what, link) => {
    expect(parseDeepLink(link)).toBeNull();
  });

  it('rejects anything that is not a string', () => {
    for (const value of [undefined, null, 42, {}, [`roidesk://alert/${ID}`]]) expect(parseDeepLink(value)).toBeNull();
  });

  it('accepts every UUID and only ever yields a lowercase UUID', () => {
    fc.assert(
      fc.property(fc.uuid(), (uuid) => {
        expect(parseDeepLink(`roidesk://alert/${uuid}`)).toEqual({ kind: 'alert', alertId: uuid.toLowerCase() });
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), (suffix) => {
        const link = parseDeepLink(`roidesk://alert/${suffix}`);
        return link === null || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(link.alertId);
      }),
    );
  });
});

describe('command-line links (Windows, Linux)', () => {
  it('finds the link among the arguments', () => {
    expect(findDeepLinkArgument(['/opt/ROI Desk/roi-desk', '--no-sandbox', `roidesk://alert/${ID}`])).toBe(`roidesk://alert/${ID}`);
    expect(findDeepLinkArgument(['C:\\ROI Desk\\ROI Desk.exe', '--', `ROIDESK://alert/${ID}`])).toBe(`ROIDESK://alert/${ID}`);
    expect(findDeepLinkArgument(['/usr/bin/electron', 'dist/electron/main/index.js'])).toBeNull();
  });
});

describe('deep link router', () => {
  const host = () => ({ current: vi.fn(), open: vi.fn(), reveal: vi.fn(), emit: vi.fn() }) satisfies MainWindowHost;

  it('brings the window forward and opens the alert for a valid link', () => {
    const h = host();
    const log = vi.fn();
    expect(createDeepLinkRouter({ host: h, log }).handleUrl(`roidesk://alert/${ID}`)).toBe(true);
    expect(h.reveal).toHaveBeenCalled();
    expect(h.emit).toHaveBeenCalledWith('openAlert', { alertId: ID });
    expect(log).not.toHaveBeenCalled();
  });

  it('ignores an invalid link with one log line', () => {
    const h = host();
    const log = vi.fn();
    const router = createDeepLinkRouter({ host: h, log });
    expect(router.handleUrl('roidesk://alert/%2e%2e%2fsettings')).toBe(false);
    router.handleArgv(['app', 'roidesk://alert/1; rm -rf ~']);
    expect(h.reveal).not.toHaveBeenCalled();
    expect(h.emit).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledTimes(2);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('not a valid alert link'));
  });

  it('does nothing for a command line without a link', () => {
    const h = host();
    createDeepLinkRouter({ host: h, log: vi.fn() }).handleArgv(['app', '--some-flag']);
    expect(h.reveal).not.toHaveBeenCalled();
  });
});

describe('scheme registration', () => {
  it('registers roidesk as the OS handler in packaged builds', () => {
    app.isPackaged = true;
    registerDeepLinkScheme(vi.fn());
    expect(app.setAsDefaultProtocolClient).toHaveBeenCalledWith('roidesk');
  });

  it('says so when the OS refuses', () => {
    app.isPackaged = true;
    app.setAsDefaultProtocolClient.mockReturnValueOnce(false);
    const log = vi.fn();
    registerDeepLinkScheme(log);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('Could not register'));
  });

  it('leaves the installed app the handler during development', () => {
    const log = vi.fn();
    registerDeepLinkScheme(log);
    expect(app.setAsDefaultProtocolClient).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('Development build'));
  });
});
