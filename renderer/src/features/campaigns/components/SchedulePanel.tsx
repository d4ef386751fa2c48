import { Alert, Button, Group, Paper, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import type { Campaign } from '../types.ts';

type Mode = 'now' | 'at' | 'recurring';

const localInputValue = (date: Date) => new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

export function describeSchedule(schedule: Campaign['schedule']): string {
  switch (schedule.kind) {
    case 'none':
      return 'Not scheduled';
    case 'once':
      return `Once, ${new Date(schedule.at).toLocaleString()}`;
    case 'recurring':
      return `Repeats: ${schedule.cron} (${schedule.timezone})`;
  }
}

/** Send now, at a time, or on a repeating schedule; stop while sending. Needs the campaign saved first. */
export function SchedulePanel({ campaign, dirty, onChanged }: { campaign: Campaign; dirty: boolean; onChanged: (campaign: Campaign) => void }) {
  const api = useApi();
  const [mode, setMode] = useState<Mode>('now');
  const [at, setAt] = useState(localInputValue(new Date(Date.now() + 3_600_000)));
  const [cron, setCron] = useState('0 9 * * 1');
  const [timezone, setTimezone] = useState(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const active = campaign.status === 'scheduled' || campaign.status === 'sending';

  const act = async (action: () => Promise<Campaign>) => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await action());
      setConfirming(false);
    } catch (cause) {
      setError(errorMessage(cause));
    } finally {
      setBusy(false);
    }
  };

  const schedule = () =>
    act(() =>
      api.scheduleCampaign({
        id: campaign.id,
        schedule:
          mode === 'now'
            ? { kind: 'once', at: new Date().toISOString() }
            : mode === 'at'
              ? { kind: 'once', at: new Date(at).toISOString() }
              : { kind: 'recurring', cron: cron.trim(), timezone },
      }),
    );

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="schedule-heading">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h4" id="schedule-heading">
            Sending
          </Title>
          <Text size="sm" c="dimmed" data-testid="schedule-summary">
            {describeSchedule(campaign.schedule)} · {campaign.status}
          </Text>
        </Group>
        {active ? (
          <Group>
            <Text size="sm">
              {campaign.status === 'sending' ? 'Sending from this account. Stopping keeps what was sent; sending again resumes with the rest.' : 'Scheduled. It goes out from this computer when due, or once it is back online.'}
            </Text>
            <Button color="red" variant="light" loading={busy} onClick={() => void act(() => api.stopCampaign({ id: campaign.id }))}>
              Stop
            </Button>
            {campaign.status === 'scheduled' && (
              <Button variant="subtle" loading={busy} onClick={() => void act(() => api.scheduleCampaign({ id: campaign.id, schedule: { kind: 'none' } }))}>
                Unschedule
              </Button>
            )}
          </Group>
        ) : campaign.status === 'sent' ? (
          <Text size="sm">Sent. A one-off campaign never goes to the same person twice; duplicate it to send again.</Text>
        ) : (
          <>
            <SegmentedControl
              aria-label="When to send"
              w="fit-content"
              data={[
                { value: 'now', label: 'Now' },
                { value: 'at', label: 'At a time' },
                { value: 'recurring', label: 'Repeating' },
              ]}
              value={mode}
              onChange={(value) => setMode(value as Mode)}
            />
            {mode === 'at' && <TextInput type="datetime-local" label="Send at" value={at} onChange={(e) => setAt(e.currentTarget.value)} w={260} />}
            {mode === 'recurring' && (
              <Group align="flex-end">
                <TextInput label="Schedule (cron)" description="minute hour day month weekday — 0 9 * * 1 is Mondays at 9:00" value={cron} onChange={(e) => setCron(e.currentTarget.value)} w={300} />
                <TextInput label="Time zone" value={timezone} onChange={(e) => setTimezone(e.currentTarget.value)} w={200} />
              </Group>
            )}
            {dirty && <Text size="sm" c="orange">Save your changes before sending.</Text>}
            {confirming ? (
              <Group>
                <Text size="sm">{mode === 'now' ? 'Send this campaign to everyone in the audience now?' : 'Schedule this campaign?'}</Text>
                <Button onClick={() => void schedule()} loading={busy} data-testid="confirm-send">
                  {mode === 'now' ? 'Yes, send' : 'Yes, schedule'}
                </Button>
                <Button variant="subtle" onClick={() => setConfirming(false)}>
                  Cancel
                </Button>
              </Group>
            ) : (
              <Button w="fit-content" disabled={dirty} onClick={() => setConfirming(true)}>
                {mode === 'now' ? 'Send now…' : 'Schedule…'}
              </Button>
            )}
          </>
        )}
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
