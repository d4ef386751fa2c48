import { Paper, Text, Title } from '@mantine/core';
import { Bar } from 'react-chartjs-2';
import '../../../shared/charts/registerBarCharts.ts';
import { useTeamChartColors } from '../charts/useTeamChartColors.ts';
import { formatRate, FUNNEL_LABELS, type TeamOverview } from '../utils/teamFormat.ts';

export type ConversionFunnelChartProps = { overview: TeamOverview };

/** Alert → viewed → contacted → appointment → converted: each bar counts the alerts that got at least that far. */
export function ConversionFunnelChart({ overview }: ConversionFunnelChartProps) {
  const colors = useTeamChartColors();
  const stages = overview.funnel;
  const total = stages[0]?.count ?? 0;
  const share = (count: number) => (total > 0 ? count / total : null);
  const summary = `Conversion funnel: ${stages.map((stage) => `${FUNNEL_LABELS[stage.stage]} ${stage.count} (${formatRate(share(stage.count))})`).join(', ')}.`;
  return (
    <Paper withBorder p="lg" h="100%">
      <Title order={2} size="h5">
        Conversion funnel
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        How far the period’s alerts got; each step counts the alerts that reached at least that step.
      </Text>
      <div style={{ height: 240 }}>
        <Bar
          role="img"
          aria-label={summary}
          data={{
            labels: stages.map((stage) => FUNNEL_LABELS[stage.stage]),
            datasets: [{ label: 'Alerts', data: stages.map((stage) => stage.count), backgroundColor: colors.primary }],
          }}
          options={{
            indexAxis: 'y',
            maintainAspectRatio: false,
            animation: false,
            scales: {
              x: { beginAtZero: true, grid: { color: colors.grid }, ticks: { color: colors.text, precision: 0 } },
              y: { grid: { display: false }, ticks: { color: colors.text } },
            },
            plugins: {
              legend: { display: false },
              tooltip: { callbacks: { label: (item) => `${item.parsed.x} alerts (${formatRate(share(item.parsed.x ?? 0))} of all)` } },
            },
          }}
        />
      </div>
      <Text size="sm" mt="xs" data-testid="funnel-summary">
        {stages.map((stage) => `${FUNNEL_LABELS[stage.stage]} ${stage.count}`).join(' → ')}
      </Text>
    </Paper>
  );
}
