import { useEffect } from 'react';
import { useApi } from '../../shared/api/useApi.ts';
import { navigateTo } from './route.ts';

/**
 * A click on an alert's OS notification (or a roidesk://alert/<id> link) opens the inbox on that alert
 * (#/inbox/<alertId>). In browser mode the host has no OS notifications of its own: it sends
 * `showNotification` and the page shows it with the Web Notifications API, with the same click behaviour.
 */
export function OpenAlertEffect() {
  const api = useApi();
  useEffect(() => api.on('openAlert', ({ alertId }) => navigateTo('inbox', alertId)), [api]);
  useEffect(
    () =>
      api.on('showNotification', ({ title, body, alertId }) => {
        if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
        const notification = new Notification(title, { body, ...(alertId ? { tag: `alert-${alertId}` } : {}) });
        notification.onclick = () => {
          window.focus();
          notification.close();
          navigateTo('inbox', ...(alertId ? [alertId] : []));
        };
      }),
    [api],
  );
  return null;
}
