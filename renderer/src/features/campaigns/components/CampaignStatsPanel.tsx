import { Alert, Badge, Group, Paper, Progress, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { Bar } from 'react-chartjs-2';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import '../../../shared/charts/registerBarCharts.ts';
import { useChartTheme } from '../../../shared/charts/useChartTheme.ts';
import { useDataChanged } from '../../../shared/hooks/useDataChanged.ts';
import { useCampaignProgress } from '../hooks/useCampaignProgress.ts';
import type { CampaignStats, RunStats } from '../types.ts';

type Outcome = CampaignStats['recipients'][number]['outcome'];
type Filter = NonNullable<Parameters<ReturnType<typeof useApi>['getCampaignStats']>[0]>['status'];

const OUTCOME_LABELS: Record<Outcome, string> = {
  sending: 'sending',
  unknown: 'to review',
  skipped: 'skipped',
  failed: 'failed',
  bounced: 'bounced',
  sent: 'sent',
  opened: 'opened',
  clicked: 'clicked',
  unsubscribed: 'unsubscribed',
};
const OUTCOME_COLORS: Record<Outcome, string> = {
  sending: 'blue',
  unknown: 'orange',
  skipped: 'gray',
  failed: 'red',
  bounced: 'red',
  sent: 'teal',
  opened: 'grape',
  clicked: 'indigo',
  unsubscribed: 'orange',
};
const FILTERS: { value: NonNullable<Filter>; label: string }[] = [
  { value: 'all', label: 'Everyone' },
  { value: 'failed', label: 'Failed' },
  { value: 'bounced', label: 'Bounced' },
  { value: 'unknown', label: 'To review' },
  { value: 'skipped', label: 'Skipped' },
  { value: 'sent', label: 'Sent' },
  { value: 'opened', label: 'Opened' },
  { value: 'clicked', label: 'Clicked' },
  { value: 'unsubscribed', label: 'Unsubscribed' },
];

const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 100) : 0);
const rate = (value: number) => `${Math.round(value * 1000) / 10}%`;

function StatCard({ label, value, detail, testId }: { label: string; value: string; detail?: string; testId: string }) {
  return (
    <Paper withBorder radius="md" p="sm" data-testid={testId} role="group" aria-label={`${label}: ${value}${detail ? `, ${detail}` : ''}`}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
      {detail && (
        <Text size="xs" c="dimmed">
          {detail}
        </Text>
      )}
    </Paper>
  );
}

function StatCards({ run }: { run: RunStats }) {
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" data-testid="run-stats">
      <StatCard testId="stat-sent" label="Sent" value={run.sent.toLocaleString()} detail={`of ${run.recipients.toLocaleString()} recipients`} />
      <StatCard testId="stat-delivered" label="Delivered" value={run.delivered.toLocaleString()} detail={`${percent(run.delivered, run.sent)}% of sent`} />
      <StatCard testId="stat-failed" label="Failed" value={run.failed.toLocaleString()} detail={run.unknown ? `${run.unknown} to review` : 'not taken by the mail server'} />
      <StatCard testId="stat-bounced" label="Bounced" value={run.bounced.toLocaleString()} detail="addresses suppressed" />
      <StatCard
        testId="stat-opened"
        label="Opened"
        value={run.uniqueOpens.toLocaleString()}
        detail={`${rate(run.openRate)} · ${run.totalOpens} opens · ${run.botOpens} machine opens not counted`}
      />
      <StatCard testId="stat-clicked" label="Clicked" value={run.uniqueClicks.toLocaleString()} detail={`${rate(run.clickRate)} click rate${run.botClicks ? ` · ${run.botClicks} scanner clicks not counted` : ''}`} />
      <StatCard testId="stat-unsubscribed" label="Unsubscribed" value={run.unsubscribes.toLocaleString()} detail={`${percent(run.unsubscribes, run.delivered)}% of delivered`} />
      <StatCard testId="stat-replies" label="Replies" value="Not tracked" detail="replies go to your own mailbox" />
    </SimpleGrid>
  );
}

function useChartColors() {
  const { color, muted, grid, text } = useChartTheme();
  return { sent: color('blue'), delivered: color('teal'), opened: color('grape'), clicked: color('indigo'), machine: muted, grid, text };
}

/** Sent → delivered → opened → clicked, people only. */
function FunnelChart({ run }: { run: RunStats }) {
  const colors = useChartColors();
  const steps = [
    { label: 'Sent', count: run.sent, color: colors.sent },
    { label: 'Delivered', count: run.delivered, color: colors.delivered },
    { label: 'Opened', count: run.uniqueOpens, color: colors.opened },
    { label: 'Clicked', count: run.uniqueClicks, color: colors.clicked },
  ];
  const summary = `Funnel: ${steps.map((s) => `${s.label} ${s.count}`).join(', ')}.`;
  return (
    <div>
      <Text size="sm" fw={500} mb={4}>
        Funnel
      </Text>
      <div style={{ height: 180 }}>
        <Bar
          role="img"
          aria-label={summary}
          data-testid="funnel-chart"
          data={{ labels: steps.map((s) => s.label), datasets: [{ label: 'Recipients', data: steps.map((s) => s.count), backgroundColor: steps.map((s) => s.color) }] }}
          options={{
            indexAxis: 'y',
            maintainAspectRatio: false,
            animation: false,
            scales: {
              x: { beginAtZero: true, grid: { color: colors.grid }, ticks: { color: colors.text, precision: 0 } },
              y: { grid: { display: false }, ticks: { color: colors.text } },
            },
            plugins: { legend: { display: false }, tooltip: { callbacks: { label: (item) => `${item.parsed.x} (${percent(item.parsed.x ?? 0, run.sent)}% of sent)` } } },
          }}
        />
      </div>
      <Text size="xs" c="dimmed" data-testid="funnel-summary">
        {steps.map((s) => `${s.label} ${s.count}`).join(' → ')}
      </Text>
    </div>
  );
}

/** Opens (people and machines) and clicks by hour — or day — since each message was sent. */
function TimelineChart({ timeline }: { timeline: NonNullable<CampaignStats['timeline']> }) {
  const colors = useChartColors();
  const unit = timeline.unit === 'day' ? 'Day' : 'Hour';
  const labels = timeline.buckets.map((b) => `${unit} ${b.offset + 1}`);
  const total = (pick: (b: (typeof timeline.buckets)[number]) => number) => timeline.buckets.reduce((n, b) => n + pick(b), 0);
  const summary = `Opens and clicks by ${timeline.unit} since sending, over ${timeline.buckets.length} ${timeline.unit}s: ${total((b) => b.opens)} opens by people, ${total((b) => b.botOpens)} machine opens, ${total((b) => b.clicks)} clicks.`;
  return (
    <div>
      <Text size="sm" fw={500} mb={4}>
        Opens and clicks since sending
      </Text>
      <div style={{ height: 180 }}>
        <Bar
          role="img"
          aria-label={summary}
          data-testid="timeline-chart"
          data={{
            labels,
            datasets: [
              { label: 'Opens (people)', data: timeline.buckets.map((b) => b.opens), backgroundColor: colors.opened },
              { label: 'Machine opens', data: timeline.buckets.map((b) => b.botOpens), backgroundColor: colors.machine },
              { label: 'Clicks', data: timeline.buckets.map((b) => b.clicks), backgroundColor: colors.clicked },
            ],
          }}
          options={{
            maintainAspectRatio: false,
            animation: false,
            scales: {
              x: { grid: { display: false }, ticks: { color: colors.text, autoSkip: true, maxRotation: 0 } },
              y: { beginAtZero: true, grid: { color: colors.grid }, ticks: { color: colors.text, precision: 0 } },
            },
            plugins: { legend: { labels: { color: colors.text, boxWidth: 12 } } },
          }}
        />
      </div>
    </div>
  );
}

/** Results per run, live progress while sending, charts, and every recipient's outcome with the server's reason. */
export function CampaignStatsPanel({ campaignId }: { campaignId: string }) {
  const api = useApi();
  const [stats, setStats] = useState<CampaignStats | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  const [filter, setFilter] = useState<NonNullable<Filter>>('all');
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const progress = useCampaignProgress(campaignId, stats?.progress ?? null);

  useEffect(() => {
    let current = true;
    api.getCampaignStats({ id: campaignId, ...(runId ? { runId } : {}), ...(filter !== 'all' ? { status: filter } : {}), limit: 200 }).then(
      (next) => {
        if (!current) return;
        setStats(next);
        setError(null);
      },
      (cause: unknown) => current && setError(errorMessage(cause)),
    );
    return () => {
      current = false;
    };
  }, [api, campaignId, runId, filter, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  useDataChanged(['campaign_sends', 'events', 'suppressions'], reload, 500);

  const run = stats?.runs.find((r) => r.runId === runId) ?? stats?.runs[0] ?? null;
  const sending = progress && (progress.state === 'sending' || progress.state === 'preparing');
  const shown = stats?.recipients.length ?? 0;
  const matching = stats?.recipientTotal ?? shown;

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="stats-heading">
      <Stack gap="md">
        <Group justify="space-between">
          <Title order={2} size="h4" id="stats-heading">
            Results
          </Title>
          {stats && stats.runs.length > 1 && (
            <Select
              aria-label="Run"
              size="xs"
              allowDeselect={false}
              data={stats.runs.map((r) => ({ value: r.runId, label: r.startedAt ? `Run of ${new Date(r.startedAt).toLocaleString()}` : r.runId }))}
              value={run?.runId ?? null}
              onChange={(value) => value && setRunId(value)}
            />
          )}
        </Group>
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        {progress && (
          <div aria-live="polite" data-testid="run-progress">
            <Group justify="space-between">
              <Text size="sm">
                {sending
                  ? `Sending… ${progress.sent + progress.failed + progress.skipped + progress.alreadyDone} of ${progress.total}`
                  : progress.state === 'done'
                    ? `Finished: ${progress.sent} sent, ${progress.failed} failed${progress.skipped ? `, ${progress.skipped} skipped (unsubscribed meanwhile)` : ''}.`
                    : (progress.message ?? progress.state)}
              </Text>
              {progress.unknown > 0 && <Badge color="orange">{progress.unknown} to review</Badge>}
            </Group>
            {sending && <Progress value={percent(progress.sent + progress.failed + progress.skipped + progress.alreadyDone, progress.total)} animated aria-label="Sending progress" />}
          </div>
        )}
        {!run && !progress && (
          <Text size="sm" c="dimmed" data-testid="stats-empty">
            Nothing sent yet. Counts, charts and each recipient’s outcome appear here as soon as the first message goes out.
          </Text>
        )}
        {run && <StatCards run={run} />}
        {run && stats && stats.runs.length > 1 && stats.totals && (
          <Text size="xs" c="dimmed" data-testid="stats-totals">
            All {stats.runs.length} runs: {stats.totals.sent} sent, {stats.totals.delivered} delivered, {stats.totals.uniqueOpens} opened, {stats.totals.uniqueClicks} clicked,{' '}
            {stats.totals.unsubscribes} unsubscribed.
          </Text>
        )}
        {run && run.sent > 0 && (
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            <FunnelChart run={run} />
            {stats?.timeline && stats.timeline.buckets.length > 0 ? (
              <TimelineChart timeline={stats.timeline} />
            ) : (
              <Text size="sm" c="dimmed" data-testid="timeline-empty">
                No opens or clicks yet. They show here by hour since sending.
              </Text>
            )}
          </SimpleGrid>
        )}
        {run && stats?.botOpenRule && (
          <Text size="xs" c="dimmed">
            {stats.botOpenRule}
          </Text>
        )}
        {run && (
          <Stack gap="xs">
            <Group justify="space-between" align="end">
              <Text size="sm" fw={500} id="recipients-heading">
                Recipients <Text span size="xs" c="dimmed">({shown < matching ? `first ${shown} of ${matching}` : matching})</Text>
              </Text>
              <Select
                size="xs"
                label="Show recipients"
                allowDeselect={false}
                data={FILTERS}
                value={filter}
                onChange={(value) => setFilter((value as NonNullable<Filter> | null) ?? 'all')}
              />
            </Group>
            <Table striped highlightOnHover data-testid="recipient-table" aria-labelledby="recipients-heading">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Recipient</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Opens</Table.Th>
                  <Table.Th>Clicked</Table.Th>
                  <Table.Th>Reason</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {stats?.recipients.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={5}>
                      <Text size="sm" c="dimmed">
                        Nobody in this run matches “{FILTERS.find((f) => f.value === filter)?.label}”.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
                {stats?.recipients.map((r) => (
                  <Table.Tr key={r.contactId}>
                    <Table.Td>
                      <Text size="sm">{r.name}</Text>
                      <Text size="xs" c="dimmed">
                        {r.email}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={OUTCOME_COLORS[r.outcome]} variant="light">
                        {OUTCOME_LABELS[r.outcome]}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">
                        {r.opens > 0 ? r.opens : '—'}
                        {r.botOpens > 0 && (
                          <Text span size="xs" c="dimmed">
                            {' '}
                            (+{r.botOpens} machine)
                          </Text>
                        )}
                      </Text>
                    </Table.Td>
                    <Table.Td>{r.clicked ? 'Yes' : '—'}</Table.Td>
                    <Table.Td>
                      <Text size="xs">{r.error ?? ''}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
