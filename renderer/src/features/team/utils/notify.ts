import { notifications, type NotificationData } from '@mantine/notifications';

/** A toast whose close button has a name screen readers can announce (Mantine's has none by default). */
export const notify = (data: NotificationData): string => notifications.show({ closeButtonProps: { 'aria-label': 'Dismiss notification' }, ...data });
