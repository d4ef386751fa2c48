import { Alert, Badge, Group, Paper, Progress, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { useDataChanged } from '../../../shared/hooks/useDataChanged.ts';
import { useCampaignProgress } from '../hooks/useCampaignProgress.ts';
import type { CampaignStats, RunStats } from '../types.ts';

const STATUS_COLORS: Record<string, string> = { sent: 'green', failed: 'red', unknown: 'orange', skipped: 'gray', sending: 'blue' };

const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 100) : 0);

function RateBar({ label, value, of, color, detail }: { label: string; value: number; of: number; color: string; detail?: string }) {
  return (
    <div>
      <Group justify="space-between" gap="xs">
        <Text size="sm">{label}</Text>
        <Text size="sm" fw={600}>
          {value.toLocaleString()} <Text span c="dimmed" size="xs">({percent(value, of)}%){detail ? ` · ${detail}` : ''}</Text>
        </Text>
      </Group>
      <Progress value={percent(value, of)} color={color} aria-label={`${label}: ${percent(value, of)}%`} />
    </div>
  );
}

function RunSummary({ run }: { run: RunStats }) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" data-testid="run-stats">
      <Stack gap={6}>
        <RateBar label="Sent" value={run.sent} of={run.recipients} color="blue" />
        <RateBar label="Delivered" value={run.delivered} of={run.sent} color="teal" />
        <RateBar label="Failed" value={run.failed} of={run.recipients} color="red" detail={run.unknown ? `${run.unknown} to review` : undefined} />
      </Stack>
      <Stack gap={6}>
        <RateBar label="Opened (people)" value={run.uniqueOpens} of={run.delivered} color="grape" detail={`${run.botOpens} bot opens not counted`} />
        <RateBar label="Clicked" value={run.uniqueClicks} of={run.delivered} color="indigo" detail={run.botClicks ? `${run.botClicks} bot clicks not counted` : undefined} />
        <RateBar label="Unsubscribed" value={run.unsubscribes} of={run.delivered} color="orange" />
      </Stack>
    </SimpleGrid>
  );
}

/** Results per run, live progress while sending, and every recipient's outcome with the server's reason. */
export function CampaignStatsPanel({ campaignId }: { campaignId: string }) {
  const api = useApi();
  const [stats, setStats] = useState<CampaignStats | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  const [filter, setFilter] = useState('all');
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

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="stats-heading">
      <Stack gap="md">
        <Group justify="space-between">
          <Title order={2} size="h4" id="stats-heading">
            Results
          </Title>
          {stats && stats.runs.length > 1 && (
            <SegmentedControl
              aria-label="Run"
              data={stats.runs.map((r) => ({ value: r.runId, label: r.startedAt ? new Date(r.startedAt).toLocaleString() : r.runId }))}
              value={run?.runId ?? ''}
              onChange={setRunId}
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
        {!run && !progress && <Text size="sm" c="dimmed">Nothing sent yet. Results appear here as soon as the first message goes out.</Text>}
        {run && <RunSummary run={run} />}
        {run && (
          <Stack gap="xs">
            <Group justify="space-between">
              <Text size="sm" fw={500}>
                Recipients
              </Text>
              <SegmentedControl
                size="xs"
                aria-label="Show recipients"
                data={[
                  { value: 'all', label: 'All' },
                  { value: 'failed', label: 'Failed' },
                  { value: 'unknown', label: 'To review' },
                  { value: 'skipped', label: 'Skipped' },
                  { value: 'sent', label: 'Sent' },
                ]}
                value={filter}
                onChange={setFilter}
              />
            </Group>
            <Table striped highlightOnHover data-testid="recipient-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Recipient</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Opened</Table.Th>
                  <Table.Th>Clicked</Table.Th>
                  <Table.Th>Reason</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {stats?.recipients.map((r) => (
                  <Table.Tr key={r.contactId}>
                    <Table.Td>
                      <Text size="sm">{r.name}</Text>
                      <Text size="xs" c="dimmed">
                        {r.email}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={STATUS_COLORS[r.status] ?? 'gray'} variant="light">
                        {r.status === 'unknown' ? 'to review' : r.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{r.opened ? 'Yes' : '—'}</Table.Td>
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
