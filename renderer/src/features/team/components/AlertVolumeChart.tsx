import { Paper, Text, Title } from '@mantine/core';
import { Bar } from 'react-chartjs-2';
import '../../../shared/charts/registerBarCharts.ts';
import { useTeamChartColors } from '../charts/useTeamChartColors.ts';
import { formatWeek, TYPE_LABELS, type IntentType, type TeamOverview } from '../utils/teamFormat.ts';

export type AlertVolumeChartProps = { overview: TeamOverview };

const TYPES = Object.keys(TYPE_LABELS) as IntentType[];

/** New alerts per week, stacked by intent type. */
export function AlertVolumeChart({ overview }: AlertVolumeChartProps) {
  const colors = useTeamChartColors();
  const weeks = overview.volumeByWeek;
  const totals = TYPES.map((type) => weeks.reduce((sum, week) => sum + week.counts[type], 0));
  const summary = weeks.length
    ? `Alert volume over ${weeks.length} weeks from ${formatWeek(weeks[0]!.week)}: ${TYPES.map((type, i) => `${TYPE_LABELS[type]} ${totals[i]}`).join(', ')}.`
    : 'No alerts yet.';
  return (
    <Paper withBorder p="lg">
      <Title order={2} size="h5">
        Alert volume by type
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        New alerts per week (weeks start on Monday).
      </Text>
      {weeks.length === 0 ? (
        <Text size="sm" c="dimmed">
          No alerts in this period yet.
        </Text>
      ) : (
        <div style={{ height: 260 }}>
          <Bar
            role="img"
            aria-label={summary}
            data={{
              labels: weeks.map((week) => formatWeek(week.week)),
              datasets: TYPES.map((type) => ({ label: TYPE_LABELS[type], data: weeks.map((week) => week.counts[type]), backgroundColor: colors.types[type] })),
            }}
            options={{
              maintainAspectRatio: false,
              animation: false,
              scales: {
                x: { stacked: true, grid: { display: false }, ticks: { color: colors.text, maxTicksLimit: 14 } },
                y: { stacked: true, beginAtZero: true, grid: { color: colors.grid }, ticks: { color: colors.text, precision: 0 } },
              },
              plugins: { legend: { labels: { color: colors.text } } },
            }}
          />
        </div>
      )}
    </Paper>
  );
}
