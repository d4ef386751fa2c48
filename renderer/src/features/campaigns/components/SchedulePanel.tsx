import { Alert, Badge, Button, Checkbox, Group, NativeSelect, NumberInput, Paper, SegmentedControl, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import type { Campaign } from '../types.ts';

type Mode = 'now' | 'at' | 'recurring' | 'triggered';
type Schedule = Campaign['schedule'];
type AlertType = Extract<Schedule, { kind: 'triggered' }>['alertType'];
type AlertPriority = Extract<Schedule, { kind: 'triggered' }>['minPriority'];

const localInputValue = (date: Date) => new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

const ALERT_TYPE_LABELS: Record<AlertType, string> = { sell: 'Likely to sell', buy: 'Likely to buy', refinance: 'Likely to refinance', investment: 'Investment interest' };
const PRIORITY_LABELS: Record<AlertPriority, string> = { LOW: 'Low or higher', MEDIUM: 'Medium or higher', HIGH: 'High or higher', CRITICAL: 'Critical only' };
// The limits the main process enforces (electron/campaigns/triggers, ab-test), checked here first for a clear message at the field.
const MAX_DELAY_HOURS = 720;
const MAX_WAIT_HOURS = 336;

const hoursLabel = (hours: number) => (hours === 1 ? '1 hour' : `${hours} hours`);
const percent = (rate: number) => `${Math.round(rate * 1000) / 10}%`;

export function describeSchedule(schedule: Schedule): string {
  switch (schedule.kind) {
    case 'none':
      return 'Not scheduled';
    case 'once':
      return `Once, ${new Date(schedule.at).toLocaleString()}${schedule.abTest ? ' · A/B subject test' : ''}`;
    case 'recurring':
      return `Repeats: ${schedule.cron} (${schedule.timezone})`;
    case 'triggered':
      return `On a “${ALERT_TYPE_LABELS[schedule.alertType]}” alert (${PRIORITY_LABELS[schedule.minPriority].toLowerCase()}), after ${hoursLabel(schedule.delayHours)}`;
  }
}

type FieldErrors = Partial<Record<'subjectB' | 'samplePercent' | 'waitHours' | 'delayHours' | 'at', string>>;

/** Send now, at a time, repeating or when an alert is raised; optionally A/B test the subject. Needs the campaign saved first. */
export function SchedulePanel({ campaign, dirty, onChanged }: { campaign: Campaign; dirty: boolean; onChanged: (campaign: Campaign) => void }) {
  const api = useApi();
  const [mode, setMode] = useState<Mode>('now');
  const [at, setAt] = useState(localInputValue(new Date(Date.now() + 3_600_000)));
  const [cron, setCron] = useState('0 9 * * 1');
  const [timezone, setTimezone] = useState(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  const [alertType, setAlertType] = useState<AlertType>('sell');
  const [minPriority, setMinPriority] = useState<AlertPriority>('HIGH');
  const [delayHours, setDelayHours] = useState<number | string>(24);
  const [abTesting, setAbTesting] = useState(false);
  const [subjectB, setSubjectB] = useState('');
  const [samplePercent, setSamplePercent] = useState<number | string>(20);
  const [waitHours, setWaitHours] = useState<number | string>(4);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const active = campaign.status === 'scheduled' || campaign.status === 'sending';
  const oneOff = mode === 'now' || mode === 'at';

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

  /** The schedule to send, or null with the problems shown at their fields. */
  const build = (): Schedule | null => {
    const problems: FieldErrors = {};
    const number = (value: number | string) => (typeof value === 'number' ? value : value.trim() === '' ? NaN : Number(value));
    if (mode === 'at' && Number.isNaN(new Date(at).getTime())) problems.at = 'Pick a date and time';
    if (mode === 'triggered') {
      const delay = number(delayHours);
      if (!Number.isFinite(delay) || delay < 0 || delay > MAX_DELAY_HOURS) problems.delayHours = `Give a delay from 0 to ${MAX_DELAY_HOURS} hours`;
    }
    if (oneOff && abTesting) {
      const share = number(samplePercent);
      const wait = number(waitHours);
      if (subjectB.trim() === '') problems.subjectB = 'Give the second subject to test';
      else if (subjectB.trim() === campaign.subject.trim()) problems.subjectB = 'Subject B must differ from the campaign’s subject';
      if (!Number.isInteger(share) || share < 2 || share > 50) problems.samplePercent = 'Give a whole percentage from 2 to 50';
      if (!Number.isFinite(wait) || wait < 1 || wait > MAX_WAIT_HOURS) problems.waitHours = `Give a wait from 1 to ${MAX_WAIT_HOURS} hours`;
    }
    setFieldErrors(problems);
    if (Object.keys(problems).length > 0) return null;
    const abTest = oneOff && abTesting ? { abTest: { subjectB: subjectB.trim(), samplePercent: number(samplePercent), waitHours: number(waitHours) } } : {};
    switch (mode) {
      case 'now':
        return { kind: 'once', at: new Date().toISOString(), ...abTest };
      case 'at':
        return { kind: 'once', at: new Date(at).toISOString(), ...abTest };
      case 'recurring':
        return { kind: 'recurring', cron: cron.trim(), timezone };
      case 'triggered':
        return { kind: 'triggered', alertType, minPriority, delayHours: number(delayHours) };
    }
  };

  const askToConfirm = () => {
    if (build()) setConfirming(true);
  };

  const schedule = () => {
    const next = build();
    if (next) void act(() => api.scheduleCampaign({ id: campaign.id, schedule: next }));
  };

  const question =
    mode === 'triggered'
      ? 'Switch on this trigger? Only alerts raised from now on count.'
      : abTesting && oneOff
        ? 'Start the A/B test: the sample gets both subjects, the rest the winner?'
        : mode === 'now'
          ? 'Send this campaign to everyone in the audience now?'
          : 'Schedule this campaign?';

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
        {campaign.trigger && <TriggerStatus trigger={campaign.trigger} />}
        {campaign.abTest && <SubjectTestStatus test={campaign.abTest} />}
        {active ? (
          <Group>
            <Text size="sm">
              {campaign.status === 'sending'
                ? 'Sending from this account. Stopping keeps what was sent; sending again resumes with the rest.'
                : campaign.schedule.kind === 'triggered'
                  ? 'Switched on. Each qualifying alert is answered from this computer after the delay, or once it is back online.'
                  : 'Scheduled. It goes out from this computer when due, or once it is back online.'}
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
                { value: 'triggered', label: 'When an alert is raised' },
              ]}
              value={mode}
              onChange={(value) => {
                setMode(value as Mode);
                setConfirming(false);
                setFieldErrors({});
              }}
            />
            {mode === 'at' && <TextInput type="datetime-local" label="Send at" value={at} onChange={(e) => setAt(e.currentTarget.value)} error={fieldErrors.at} w={260} />}
            {mode === 'recurring' && (
              <Group align="flex-end">
                <TextInput label="Schedule (cron)" description="minute hour day month weekday — 0 9 * * 1 is Mondays at 9:00" value={cron} onChange={(e) => setCron(e.currentTarget.value)} w={300} />
                <TextInput label="Time zone" value={timezone} onChange={(e) => setTimezone(e.currentTarget.value)} w={200} />
              </Group>
            )}
            {mode === 'triggered' && (
              <Stack gap={6}>
                <Group align="flex-start">
                  <NativeSelect
                    label="Alert"
                    data={Object.entries(ALERT_TYPE_LABELS).map(([value, label]) => ({ value, label }))}
                    value={alertType}
                    onChange={(e) => setAlertType(e.currentTarget.value as AlertType)}
                    w={220}
                  />
                  <NativeSelect
                    label="Minimum priority"
                    data={Object.entries(PRIORITY_LABELS)
                      .reverse()
                      .map(([value, label]) => ({ value, label }))}
                    value={minPriority}
                    onChange={(e) => setMinPriority(e.currentTarget.value as AlertPriority)}
                    w={200}
                  />
                  <NumberInput clampBehavior="none" label="Delay (hours)" min={0} max={MAX_DELAY_HOURS} value={delayHours} onChange={setDelayHours} error={fieldErrors.delayHours} w={160} />
                </Group>
                <Text size="xs" c="dimmed">
                  Each contact in the audience with such an alert gets this email once per alert, after the delay — unless an agent has called, met, emailed, texted or shown them a home since the alert, or
                  marked it contacted, converted or dismissed. Alerts raised before you switch this on do not count.
                </Text>
              </Stack>
            )}
            {oneOff && (
              <Stack gap={6}>
                <Checkbox label="A/B test the subject" description="Send two subjects to a sample first; the one more people click goes to everyone else." checked={abTesting} onChange={(e) => setAbTesting(e.currentTarget.checked)} />
                {abTesting && (
                  <Group align="flex-start">
                    <TextInput label="Subject B" description={`Subject A is the campaign’s: “${campaign.subject}”`} value={subjectB} onChange={(e) => setSubjectB(e.currentTarget.value)} error={fieldErrors.subjectB} w={360} required />
                    <NumberInput clampBehavior="none" label="Sample (% of audience)" min={2} max={50} allowDecimal={false} value={samplePercent} onChange={setSamplePercent} error={fieldErrors.samplePercent} w={180} />
                    <NumberInput clampBehavior="none" label="Pick the winner after (hours)" min={1} max={MAX_WAIT_HOURS} value={waitHours} onChange={setWaitHours} error={fieldErrors.waitHours} w={220} />
                  </Group>
                )}
              </Stack>
            )}
            {dirty && <Text size="sm" c="orange">Save your changes before sending.</Text>}
            {confirming ? (
              <Group>
                <Text size="sm">{question}</Text>
                <Button onClick={schedule} loading={busy} data-testid="confirm-send">
                  {mode === 'now' && !abTesting ? 'Yes, send' : mode === 'triggered' ? 'Yes, switch on' : 'Yes, schedule'}
                </Button>
                <Button variant="subtle" onClick={() => setConfirming(false)}>
                  Cancel
                </Button>
              </Group>
            ) : (
              <Button w="fit-content" disabled={dirty} onClick={askToConfirm}>
                {mode === 'triggered' ? 'Switch on trigger…' : mode === 'now' ? (abTesting ? 'Start A/B test now…' : 'Send now…') : 'Schedule…'}
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

function TriggerStatus({ trigger }: { trigger: NonNullable<Campaign['trigger']> }) {
  return (
    <Text size="sm" data-testid="trigger-status">
      {trigger.sent === 1 ? '1 email sent' : `${trigger.sent} emails sent`} for alerts so far · {trigger.waiting === 1 ? '1 alert waiting' : `${trigger.waiting} alerts waiting`} for the delay
      {trigger.nextDueAt ? ` (next ${new Date(trigger.nextDueAt).toLocaleString()})` : ''}
    </Text>
  );
}

const PHASE_LABELS: Record<NonNullable<Campaign['abTest']>['phase'], string> = {
  scheduled: 'Not started',
  sampling: 'Sending the sample',
  waiting: 'Collecting clicks',
  sending_winner: 'Sending the winner to the rest',
  done: 'Finished',
};

function SubjectTestStatus({ test }: { test: NonNullable<Campaign['abTest']> }) {
  const chosen = test.winner;
  const row = (variant: 'a' | 'b', subject: string, result: { sent: number; clicks: number; rate: number }) => (
    <Table.Tr key={variant}>
      <Table.Td>
        {variant.toUpperCase()}
        {chosen === variant && (
          <Badge ml="xs" size="sm" color="green">
            Winner
          </Badge>
        )}
        {!chosen && test.leader === variant && (
          <Badge ml="xs" size="sm" variant="light">
            Leading
          </Badge>
        )}
      </Table.Td>
      <Table.Td>{subject}</Table.Td>
      <Table.Td>{result.sent}</Table.Td>
      <Table.Td>{result.clicks}</Table.Td>
      <Table.Td>{percent(result.rate)}</Table.Td>
    </Table.Tr>
  );
  return (
    <Stack gap={4} data-testid="ab-test-status" aria-label="A/B subject test">
      <Text size="sm" fw={600}>
        A/B subject test: {PHASE_LABELS[test.phase]}
        {test.phase === 'waiting' && test.decideAt ? ` — the winner is picked ${new Date(test.decideAt).toLocaleString()}` : ''}
      </Text>
      <Table withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Subject</Table.Th>
            <Table.Th>Text</Table.Th>
            <Table.Th>Sent</Table.Th>
            <Table.Th>Clicked</Table.Th>
            <Table.Th>Click rate</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {row('a', test.subjectA, test.a)}
          {row('b', test.subjectB, test.b)}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed">
        {test.samplePercent}% of the audience, half each; the higher click rate wins (a tie goes to A) {hoursLabel(test.waitHours)} after the sample went out.
      </Text>
    </Stack>
  );
}
