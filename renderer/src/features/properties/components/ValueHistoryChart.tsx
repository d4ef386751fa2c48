import { Paper, Text } from '@mantine/core';
import { Line } from 'react-chartjs-2';
import '../charts/registerCharts.ts';
import { timeMoneyScales } from '../charts/timeAxis.ts';
import { useChartColors } from '../charts/useChartColors.ts';
import type { ValueHistoryPoint } from '../../../shared/api/ipcContract.ts';
import { dateToMs, formatDate, formatMoney } from '../utils/formatValue.ts';

export type ValueHistoryChartProps = { history: readonly ValueHistoryPoint[] };

/** The estimate over time inside its 80% range. Past months are retrospective: valued from the sales known then. */
export function ValueHistoryChart({ history }: ValueHistoryChartProps) {
  const colors = useChartColors();
  const last = history.at(-1);
  const summary = last
    ? `Value history: ${history.length} valuations from ${formatDate(history[0]!.valuedAt)} to ${formatDate(last.valuedAt)}, latest ${formatMoney(last.estimate)}.`
    : 'No valuations yet.';
  const at = (pick: (point: ValueHistoryPoint) => number) => history.map((point) => ({ x: dateToMs(point.valuedAt), y: pick(point) }));
  return (
    <Paper withBorder p="lg" h="100%">
      <Text fw={600}>Value history</Text>
      <Text size="xs" c="dimmed" mb="sm">
        Monthly values before the first visit are retrospective: each uses only the sales known on its date.
      </Text>
      {history.length < 2 ? (
        <Text size="sm" c="dimmed">
          The history starts with this valuation; it grows as the market and the facts change.
        </Text>
      ) : (
        <div style={{ height: 240 }}>
          <Line
            role="img"
            aria-label={summary}
            data={{
              datasets: [
                { label: '80% range high', data: at((p) => p.high), borderWidth: 0, pointRadius: 0, backgroundColor: colors.primaryFill, fill: '+1' },
                { label: '80% range low', data: at((p) => p.low), borderWidth: 0, pointRadius: 0, fill: false },
                { label: 'Estimate', data: at((p) => p.estimate), borderColor: colors.primary, backgroundColor: colors.primary, pointRadius: 3, tension: 0.2 },
              ],
            }}
            options={{
              maintainAspectRatio: false,
              animation: false,
              parsing: false,
              scales: timeMoneyScales(colors),
              plugins: {
                legend: { display: false },
                tooltip: { callbacks: { title: (items) => formatDate(new Date(items[0]!.parsed.x ?? 0).toISOString()), label: (item) => `${item.dataset.label}: ${formatMoney(item.parsed.y)}` } },
              },
            }}
          />
        </div>
      )}
    </Paper>
  );
}
