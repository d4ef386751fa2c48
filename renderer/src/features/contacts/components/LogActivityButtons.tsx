import { Button, Group } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCalendarEvent, IconHome, IconMail, IconMessage, IconPhone } from '@tabler/icons-react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';

export const ACTIVITY_BUTTONS = [
  { kind: 'call', label: 'Call', icon: IconPhone },
  { kind: 'email', label: 'Email', icon: IconMail },
  { kind: 'text', label: 'Text', icon: IconMessage },
  { kind: 'meeting', label: 'Meeting', icon: IconCalendarEvent },
  { kind: 'showing', label: 'Showing', icon: IconHome },
] as const;
export type LoggableKind = (typeof ACTIVITY_BUTTONS)[number]['kind'];

/** One click per kind logs it now for the contact (with the optional summary). */
export function LogActivityButtons({ contactId, summary = '', onLogged, size = 'xs' }: { contactId: string; summary?: string; onLogged?: (kind: LoggableKind) => void; size?: string }) {
  const api = useApi();
  const log = async (kind: LoggableKind, label: string) => {
    try {
      await api.logActivity({ contactId, kind, summary: summary.trim() });
      notifications.show({ color: 'green', message: `${label} logged.` });
      onLogged?.(kind);
    } catch (cause) {
      notifications.show({ color: 'red', title: 'Not logged', message: errorMessage(cause) });
    }
  };
  return (
    <Group gap={6}>
      {ACTIVITY_BUTTONS.map(({ kind, label, icon: Icon }) => (
        <Button key={kind} size={size} variant="light" leftSection={<Icon size={14} />} onClick={() => void log(kind, label)}>
          {label}
        </Button>
      ))}
    </Group>
  );
}
