// Server-wide sync health: live subscribers, mutations and requests per minute, errors, slow requests
// (this instance, the last hour) and the change log's size.
import { Paper, SimpleGrid, Table, Text, Title, useComputedColorScheme } from '@mantine/core';
import { BarElement, CategoryScale, Chart as ChartJS, Legend, LinearScale, LineElement, PointElement, Tooltip } from 'chart.js';
import { useEffect } from 'react';
import { Bar, Line } from 'react-chartjs-2';
import { api } from '../api.ts';
import { EmptyState, ErrorNotice, Loading, formatBytes, formatDateTime, PageHeader } from '../components/ui.tsx';
import { useResource } from '../components/useResource.ts';
import type { Health } from '../types.ts';

ChartJS.register(CategoryScale, LinearScale, PointElement, LineElement, BarElement, Legend, Tooltip);

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <Paper withBorder p="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} data-testid={testId}>
        {value}
      </Text>
    </Paper>
  );
}

export function HealthPage() {
  const health = useResource((signal) => api<Health>('GET', '/health', { signal, background: true }), 'health');
  const { reload } = health;
  const dark = useComputedColorScheme('light') === 'dark';
  const text = dark ? '#c9c9c9' : '#495057';
  const grid = dark ? 'rgba(255,255,255,0.08)' : 'rgba(0,0,0,0.08)';

  useEffect(() => {
    const timer = setInterval(reload, 10_000);
    return () => clearInterval(timer);
  }, [reload]);

  const data = health.data;
  const labels = (data?.instance.minutes ?? []).map((m) => new Date(m.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
  const scales = { x: { ticks: { color: text, maxTicksLimit: 12 }, grid: { color: grid } }, y: { beginAtZero: true, ticks: { color: text, precision: 0 }, grid: { color: grid } } };
  const minutes = data?.instance.minutes ?? [];
  const lastMinute = minutes[minutes.length - 1];
  const mutationsLastHour = minutes.reduce((sum, m) => sum + m.mutations, 0);

  return (
    <>
      <PageHeader title="Sync health" description={data ? `This server instance, since ${formatDateTime(data.instance.startedAt)}; refreshed every 10 s.` : 'This server instance.'} />
      <ErrorNotice error={health.error} onRetry={reload} />
      <Loading what="sync health" show={health.loading && !health.data} />
      {data && (
        <>
          <SimpleGrid cols={{ base: 2, md: 5 }} mb="lg">
            <Stat label="Live subscribers" value={String(data.liveSubscribers)} testId="live-subscribers" />
            <Stat label="Mutations, last minute" value={String(lastMinute?.mutations ?? 0)} />
            <Stat label="Mutations, last hour" value={mutationsLastHour.toLocaleString()} />
            <Stat label="Change log" value={`${data.changeLog.entries.toLocaleString()} · ${formatBytes(data.changeLog.bytes)}`} />
            <Stat label="Devices active (5 min)" value={`${data.devices.seenLast5Minutes} of ${data.devices.active}`} />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, lg: 2 }} mb="lg">
            <Paper withBorder p="md">
              <Title order={2} size="h5" mb="xs">
                Mutations per minute
              </Title>
              <div style={{ height: 220 }}>
                <Bar
                  role="img"
                  aria-label={`Mutations per minute over the last hour: ${mutationsLastHour} in all, ${lastMinute?.mutations ?? 0} in the last minute.`}
                  data={{ labels, datasets: [{ label: 'Mutations', data: minutes.map((m) => m.mutations), backgroundColor: '#4c6ef5' }] }}
                  options={{ maintainAspectRatio: false, animation: false, scales, plugins: { legend: { display: false } } }}
                />
              </div>
            </Paper>
            <Paper withBorder p="md">
              <Title order={2} size="h5" mb="xs">
                Requests, errors and slow requests per minute
              </Title>
              <div style={{ height: 220 }}>
                <Line
                  role="img"
                  aria-label={`Requests per minute over the last hour; ${minutes.reduce((s, m) => s + m.errors, 0)} server errors and ${minutes.reduce((s, m) => s + m.slow, 0)} slow requests.`}
                  data={{
                    labels,
                    datasets: [
                      { label: 'Requests', data: minutes.map((m) => m.requests), borderColor: '#4c6ef5', backgroundColor: '#4c6ef5', pointRadius: 0 },
                      { label: 'Server errors', data: minutes.map((m) => m.errors), borderColor: '#fa5252', backgroundColor: '#fa5252', pointRadius: 0 },
                      { label: `Slow (≥ ${data.instance.slowRequestMs} ms)`, data: minutes.map((m) => m.slow), borderColor: '#fab005', backgroundColor: '#fab005', pointRadius: 0 },
                    ],
                  }}
                  options={{ maintainAspectRatio: false, animation: false, scales, plugins: { legend: { position: 'bottom', labels: { color: text, boxWidth: 12 } } } }}
                />
              </div>
            </Paper>
          </SimpleGrid>
          <Paper withBorder p="md">
            <Title order={2} size="h5" mb="xs">
              Slow requests (latest 50)
            </Title>
            {data.instance.slowRequests.length === 0 ? (
              <EmptyState>No request took {data.instance.slowRequestMs} ms or more (live shape requests wait by design and are not counted).</EmptyState>
            ) : (
              <Table aria-label="Slow requests">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>When</Table.Th>
                    <Table.Th>Request</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Duration</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.instance.slowRequests.map((r, index) => (
                    <Table.Tr key={`${r.at}-${index}`}>
                      <Table.Td>{formatDateTime(r.at)}</Table.Td>
                      <Table.Td>
                        {r.method} {r.route}
                      </Table.Td>
                      <Table.Td>{r.status}</Table.Td>
                      <Table.Td>{r.ms.toLocaleString()} ms</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Paper>
        </>
      )}
    </>
  );
}
