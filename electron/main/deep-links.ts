// roidesk://alert/<id> links (from e-mails, chat, other apps) bring the app forward on that alert.
// macOS delivers them with `open-url`; Windows and Linux start the app (or a second instance, which hands
// its argv to the first) with the link as a command-line argument. A link is untrusted input from any
// other program, so it is parsed strictly and anything that is not exactly an alert link is ignored.
import { app } from 'electron';
import type { MainWindowHost } from './window.ts';

type Log = (message: string) => void;

export const DEEP_LINK_SCHEME = 'roidesk';

/** Alert ids are UUIDs (random, or v5 from the demo seed); nothing else may reach the renderer. */
const ALERT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/**
 * The whole link, matched on the raw text rather than on a parsed URL: URL parsing would quietly accept
 * and rewrite variants (`alert/../<id>`, credentials, ports, queries) that no link of ours ever contains.
 * Case-insensitive because OSes and mail clients may change the case of the scheme and host.
 */
const ALERT_LINK = /^roidesk:\/\/alert\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;

export type DeepLink = { kind: 'alert'; alertId: string };

export function isAlertId(value: string): boolean {
  return ALERT_ID.test(value);
}

/** The alert a link points to, or null for anything that is not exactly `roidesk://alert/<uuid>[/]`. */
export function parseDeepLink(raw: unknown): DeepLink | null {
  if (typeof raw !== 'string') return null;
  const alertId = ALERT_LINK.exec(raw)?.[1];
  return alertId === undefined ? null : { kind: 'alert', alertId: alertId.toLowerCase() };
}

/** The roidesk: argument of a command line (Windows and Linux pass the link in argv), if any. */
export function findDeepLinkArgument(argv: readonly string[]): string | null {
  return argv.find((arg) => arg.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}:`)) ?? null;
}

/**
 * Makes this app the OS handler for roidesk:// links. Only packaged builds register: a development
 * checkout claiming the scheme would steal links from the installed app on the same machine.
 * (electron-builder's `protocols` entry also declares the scheme in Info.plist and the Linux .desktop file.)
 */
export function registerDeepLinkScheme(log: Log): void {
  if (!app.isPackaged) {
    log(`Development build: not registering as the ${DEEP_LINK_SCHEME}:// handler.`);
    return;
  }
  if (!app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME)) {
    log(`Could not register ROI Desk as the handler for ${DEEP_LINK_SCHEME}:// links; alert links will not open the app.`);
  }
}

export type DeepLinkRouter = {
  /** Opens the alert a link names; false (and a log line) when the link is not valid. */
  handleUrl(raw: string): boolean;
  /** Looks for a link among command-line arguments (first launch, or a second instance's argv). */
  handleArgv(argv: readonly string[]): void;
};

export function createDeepLinkRouter(options: { host: MainWindowHost; log: Log }): DeepLinkRouter {
  const handleUrl = (raw: string): boolean => {
    const link = parseDeepLink(raw);
    if (!link) {
      const shown = raw.length > 80 ? `${raw.slice(0, 80)}…` : raw;
      options.log(`Ignored a ${DEEP_LINK_SCHEME}:// link that is not a valid alert link: ${JSON.stringify(shown)}`);
      return false;
    }
    options.host.reveal();
    options.host.emit('openAlert', { alertId: link.alertId });
    return true;
  };
  return {
    handleUrl,
    handleArgv(argv) {
      const arg = findDeepLinkArgument(argv);
      if (arg !== null) handleUrl(arg);
    },
  };
}
