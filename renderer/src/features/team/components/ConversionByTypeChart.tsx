import { Paper, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { Bar } from 'react-chartjs-2';
import '../../../shared/charts/registerBarCharts.ts';
import { useTeamChartColors } from '../charts/useTeamChartColors.ts';
import { formatRate, TYPE_LABELS, type TeamOverview } from '../utils/teamFormat.ts';

export type ConversionByTypeChartProps = { overview: TeamOverview };

/** Alerts and conversions per intent type, with the rate in the tooltip and in the table for screen readers. */
export function ConversionByTypeChart({ overview }: ConversionByTypeChartProps) {
  const colors = useTeamChartColors();
  const rows = overview.conversionByType;
  const summary = `Conversion by type: ${rows.map((row) => `${TYPE_LABELS[row.type]} ${row.converted} of ${row.alerts} (${formatRate(row.rate)})`).join(', ')}.`;
  return (
    <Paper withBorder p="lg" h="100%">
      <Title order={2} size="h5">
        Conversion by type
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        A signed listing or a refinance (logged as the outcome, or the alert marked converted).
      </Text>
      <div style={{ height: 240 }}>
        <Bar
          role="img"
          aria-label={summary}
          data={{
            labels: rows.map((row) => TYPE_LABELS[row.type]),
            datasets: [
              { label: 'Alerts', data: rows.map((row) => row.alerts), backgroundColor: colors.muted },
              { label: 'Converted', data: rows.map((row) => row.converted), backgroundColor: rows.map((row) => colors.types[row.type]) },
            ],
          }}
          options={{
            maintainAspectRatio: false,
            animation: false,
            scales: {
              x: { grid: { color: colors.grid }, ticks: { color: colors.text } },
              y: { beginAtZero: true, grid: { color: colors.grid }, ticks: { color: colors.text, precision: 0 } },
            },
            plugins: {
              legend: { labels: { color: colors.text } },
              tooltip: { callbacks: { afterBody: (items) => `Conversion rate: ${formatRate(rows[items[0]?.dataIndex ?? 0]?.rate ?? null)}` } },
            },
          }}
        />
      </div>
      <VisuallyHidden>
        <Table aria-label="Conversion by type">
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.type}>
                <Table.Th>{TYPE_LABELS[row.type]}</Table.Th>
                <Table.Td>{row.alerts} alerts</Table.Td>
                <Table.Td>{row.converted} converted</Table.Td>
                <Table.Td>{formatRate(row.rate)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </VisuallyHidden>
    </Paper>
  );
}
