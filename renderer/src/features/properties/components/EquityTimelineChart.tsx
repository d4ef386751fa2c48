import { Paper, Text } from '@mantine/core';
import { Line } from 'react-chartjs-2';
import '../charts/registerCharts.ts';
import { timeMoneyScales } from '../charts/timeAxis.ts';
import { useChartColors } from '../charts/useChartColors.ts';
import type { PropertyDetail } from '../../../shared/api/ipcContract.ts';
import { dateToMs, formatDate, formatMoney } from '../utils/formatValue.ts';

export type EquityTimelineChartProps = { timeline: PropertyDetail['equityTimeline']; loan: PropertyDetail['loan'] };

/** Value against what is owed, from the purchase to the loan's payoff: the gap is the owner's equity. */
export function EquityTimelineChart({ timeline, loan }: EquityTimelineChartProps) {
  const colors = useChartColors();
  const values = timeline.filter((point) => point.value !== null).map((point) => ({ x: dateToMs(point.date), y: point.value! }));
  const balances = timeline.filter((point) => point.balance !== null).map((point) => ({ x: dateToMs(point.date), y: point.balance! }));
  const summary = loan
    ? `Equity timeline: value ${formatMoney(values.at(-1)?.y)} against a loan balance of ${formatMoney(loan.balance)} on ${formatDate(loan.asOf)}; the loan is paid off ${formatDate(loan.payoffDate)}.`
    : `Value timeline from ${formatDate(timeline[0]?.date)}; no loan on record.`;
  return (
    <Paper withBorder p="lg" h="100%">
      <Text fw={600}>Equity timeline</Text>
      <Text size="xs" c="dimmed" mb="sm">
        {loan ? 'Value vs. loan balance (amortisation schedule, from the purchase date).' : 'No loan on record: the value is all equity.'}
      </Text>
      {values.length === 0 && balances.length === 0 ? (
        <Text size="sm" c="dimmed">
          No purchase, loan or valuation on record yet.
        </Text>
      ) : (
        <div style={{ height: 240 }}>
          <Line
            role="img"
            aria-label={summary}
            data={{
              datasets: [
                { label: 'Value', data: values, borderColor: colors.primary, backgroundColor: colors.primary, pointRadius: 2, tension: 0.15 },
                { label: 'Loan balance', data: balances, borderColor: colors.secondary, backgroundColor: colors.secondary, pointRadius: 0, borderDash: [6, 4] },
              ],
            }}
            options={{
              maintainAspectRatio: false,
              animation: false,
              parsing: false,
              scales: timeMoneyScales(colors),
              plugins: {
                legend: { position: 'bottom', labels: { color: colors.text, boxWidth: 12 } },
                tooltip: { callbacks: { title: (items) => formatDate(new Date(items[0]!.parsed.x ?? 0).toISOString()), label: (item) => `${item.dataset.label}: ${formatMoney(item.parsed.y)}` } },
              },
            }}
          />
        </div>
      )}
    </Paper>
  );
}
