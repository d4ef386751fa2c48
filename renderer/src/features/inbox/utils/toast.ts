import { notifications, type NotificationData } from '@mantine/notifications';

/** A toast whose close button has a name (Mantine leaves it unnamed, which screen readers announce as "button"). */
export const toast = (data: NotificationData) => notifications.show({ closeButtonProps: { 'aria-label': 'Close message' }, ...data });
