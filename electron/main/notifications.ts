// Native OS notifications for the services' Notifier port. Clicking one brings the window forward on the
// alert it announced, exactly like a roidesk://alert/<id> link.
import { Notification } from 'electron';
import type { Notifier } from '../app-services.ts';
import { isAlertId } from './deep-links.ts';
import type { MainWindowHost } from './window.ts';

type Log = (message: string) => void;

// OS notification centres truncate long text anyway; clipping here keeps one runaway field from
// producing a notification the OS refuses to show.
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function createElectronNotifier(options: { host: MainWindowHost; log: Log }): Notifier {
  // Electron drops the click handler of a Notification that was garbage-collected while still on screen
  // (Windows and macOS keep it in the action centre), so each one is held until clicked or closed.
  const live = new Set<Notification>();

  return {
    show({ title, body, alertId }) {
      if (!Notification.isSupported()) {
        options.log(`Notifications are not supported on this system; not shown: ${JSON.stringify(clip(title, 80))}`);
        return;
      }
      const notification = new Notification({ title: clip(title, 120), body: clip(body, 400) });
      live.add(notification);
      const release = () => live.delete(notification);

      notification.on('click', () => {
        release();
        options.host.reveal();
        if (alertId === undefined) return;
        // The same rule as deep links: only well-formed alert ids ever reach the renderer.
        if (isAlertId(alertId)) options.host.emit('openAlert', { alertId });
        else options.log(`Notification click for a malformed alert id ${JSON.stringify(clip(alertId, 80))}; opened the app only.`);
      });
      notification.on('close', release);
      notification.on('failed', (_event, error) => {
        release();
        options.log(`A notification could not be shown: ${error}`);
      });
      notification.show();
    },
  };
}
