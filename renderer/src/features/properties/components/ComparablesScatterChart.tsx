import { Group, Paper, SegmentedControl, Text } from '@mantine/core';
import { useState } from 'react';
import { Scatter } from 'react-chartjs-2';
import '../charts/registerCharts.ts';
import { useChartColors } from '../charts/useChartColors.ts';
import type { PropertyFacts, ValuationDetail } from '../../../shared/api/ipcContract.ts';
import { formatCompactMoney, formatMoney, formatNumber } from '../utils/formatValue.ts';

export type ComparablesScatterChartProps = { valuation: ValuationDetail; facts: PropertyFacts };

type Axis = 'size' | 'distance';

/** Comparable sales by price against size or distance, with this property at its estimate. */
export function ComparablesScatterChart({ valuation, facts }: ComparablesScatterChartProps) {
  const colors = useChartColors();
  const [axis, setAxis] = useState<Axis>('size');
  const xOf = (comp: ValuationDetail['comps'][number]) => (axis === 'size' ? comp.sqftLiving : comp.miles);
  const subjectX = axis === 'size' ? (facts.sqftLiving ?? 0) : 0;
  return (
    <Paper withBorder p="lg" h="100%">
      <Group justify="space-between" mb="sm">
        <Text fw={600}>Comparable sales</Text>
        <SegmentedControl
          size="xs"
          aria-label="Horizontal axis"
          value={axis}
          onChange={(value) => setAxis(value as Axis)}
          data={[
            { value: 'size', label: 'Price vs size' },
            { value: 'distance', label: 'Price vs distance' },
          ]}
        />
      </Group>
      <div style={{ height: 260 }}>
        <Scatter
          role="img"
          aria-label={`${valuation.comps.length} comparable sales plotted by sale price against ${axis === 'size' ? 'living area' : 'distance'}; this property at ${formatMoney(valuation.estimate)}. The table below lists them.`}
          data={{
            datasets: [
              {
                label: 'Sale price',
                data: valuation.comps.map((comp) => ({ x: xOf(comp), y: comp.price })),
                backgroundColor: colors.secondary,
                // Bigger dots weigh more in the comparable-sales estimate.
                pointRadius: valuation.comps.map((comp) => 3 + comp.weight * 30),
              },
              { label: 'Adjusted to this property', data: valuation.comps.map((comp) => ({ x: xOf(comp), y: comp.adjustedPrice })), backgroundColor: colors.accent, pointRadius: 3, pointStyle: 'rectRot' },
              { label: 'This property (estimate)', data: [{ x: subjectX, y: valuation.estimate }], backgroundColor: colors.subject, pointRadius: 8, pointStyle: 'star', borderColor: colors.subject },
            ],
          }}
          options={{
            maintainAspectRatio: false,
            animation: false,
            scales: {
              x: {
                title: { display: true, text: axis === 'size' ? 'Living area (sq ft)' : 'Distance (miles)', color: colors.text },
                grid: { color: colors.grid },
                ticks: { color: colors.text },
              },
              y: { grid: { color: colors.grid }, ticks: { color: colors.text, callback: (value) => formatCompactMoney(Number(value)) } },
            },
            plugins: {
              legend: { position: 'bottom', labels: { color: colors.text, boxWidth: 10 } },
              tooltip: {
                callbacks: {
                  label: (item) =>
                    `${item.dataset.label}: ${formatMoney(item.parsed.y)} at ${axis === 'size' ? `${formatNumber(item.parsed.x)} sq ft` : `${formatNumber(item.parsed.x)} mi`}`,
                },
              },
            },
          }}
        />
      </div>
    </Paper>
  );
}
