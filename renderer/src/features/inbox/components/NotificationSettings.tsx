import { Alert, Button, Card, Group, Select, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { PRIORITIES } from '../utils/alertLabels.ts';
import type { NotificationPreferences } from '../utils/inboxTypes.ts';

const PRIORITY_CHOICES = PRIORITIES.map((priority) => ({ value: priority, label: priority === 'LOW' ? 'Every alert (LOW and above)' : `${priority} and above` }));

/** Browser mode shows notifications through the page, which needs the browser's permission once. */
function BrowserPermission() {
  const [permission, setPermission] = useState(() => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission));
  if (permission === 'granted') return null;
  if (permission === 'unsupported') return <Text size="sm" c="dimmed">This browser cannot show notifications.</Text>;
  if (permission === 'denied') return <Text size="sm" c="dimmed">Notifications are blocked for this page; allow them in the browser’s site settings.</Text>;
  return (
    <Group>
      <Button size="xs" variant="default" onClick={() => void Notification.requestPermission().then(setPermission)}>
        Allow notifications in this browser
      </Button>
    </Group>
  );
}

/** The alert-notification preferences (kept on this device): minimum priority, do-not-disturb, quiet hours. */
export function NotificationSettings() {
  const api = useApi();
  const [preferences, setPreferences] = useState<NotificationPreferences | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [browserMode, setBrowserMode] = useState(false);

  useEffect(() => {
    let current = true;
    api.getNotificationPreferences().then(
      (loaded) => current && setPreferences(loaded),
      (cause: unknown) => current && setError(errorMessage(cause)),
    );
    api.getAppInfo().then((info) => current && setBrowserMode(info.shell === 'browser'), () => {});
    return () => {
      current = false;
    };
  }, [api]);

  const save = (next: NotificationPreferences) => {
    setPreferences(next);
    api.saveNotificationPreferences(next).then(
      (saved) => (setPreferences(saved), setError(null)),
      (cause: unknown) => setError(errorMessage(cause)),
    );
  };

  return (
    <Card withBorder component="section" aria-labelledby="notification-settings-title">
      <Title order={2} size="h4" id="notification-settings-title" mb="xs">
        Alert notifications
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        New alerts assigned to you raise a notification on this computer; several at once come as one.
      </Text>
      {error && (
        <Alert color="red" variant="light" mb="sm" title="Could not save">
          {error}
        </Alert>
      )}
      {preferences && (
        <Stack gap="sm">
          <Select
            label="Notify me of"
            data={PRIORITY_CHOICES}
            value={preferences.minPriority}
            allowDeselect={false}
            onChange={(value) => value && save({ ...preferences, minPriority: value as NotificationPreferences['minPriority'] })}
            maw={320}
          />
          <Switch label="Do not disturb" description="No notifications until you turn this off." checked={preferences.doNotDisturb} onChange={(event) => save({ ...preferences, doNotDisturb: event.currentTarget.checked })} />
          <Switch
            label="Quiet hours"
            description="No notifications in this window each day; alerts still new afterwards are announced together."
            checked={preferences.quietHours.enabled}
            onChange={(event) => save({ ...preferences, quietHours: { ...preferences.quietHours, enabled: event.currentTarget.checked } })}
          />
          {preferences.quietHours.enabled && (
            <Group>
              <TextInput type="time" label="From" value={preferences.quietHours.start} onChange={(event) => event.currentTarget.value && save({ ...preferences, quietHours: { ...preferences.quietHours, start: event.currentTarget.value } })} />
              <TextInput type="time" label="Until" value={preferences.quietHours.end} onChange={(event) => event.currentTarget.value && save({ ...preferences, quietHours: { ...preferences.quietHours, end: event.currentTarget.value } })} />
            </Group>
          )}
          {browserMode && <BrowserPermission />}
        </Stack>
      )}
    </Card>
  );
}
