import { Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { Line } from 'react-chartjs-2';
import '../charts/registerCharts.ts';
import { useChartColors } from '../charts/useChartColors.ts';
import type { MarketStats } from '../../../shared/api/ipcContract.ts';
import { formatDate, formatMoney, formatMonth, formatPercent } from '../utils/formatValue.ts';

export type MarketStatsCardProps = { market: MarketStats };

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={600} size="lg">
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </div>
  );
}

/** Sales within half a mile over the last year, and where prices in the area are heading. */
export function MarketStatsCard({ market }: MarketStatsCardProps) {
  const colors = useChartColors();
  return (
    <Paper withBorder p="lg" h="100%">
      <Stack gap="sm">
        <div>
          <Text fw={600}>Market within {market.radiusMiles} mile</Text>
          <Text size="xs" c="dimmed">
            Sales {formatDate(market.from)} – {formatDate(market.to)}
          </Text>
        </div>
        <SimpleGrid cols={2} spacing="sm">
          <Stat label="Sales" value={String(market.salesCount)} />
          <Stat label="Median price" value={formatMoney(market.medianPrice)} />
          <Stat label="Median $ / sq ft" value={formatMoney(market.medianPricePerSqft)} />
          <Stat
            label={`Price trend, ${market.trendMonths} months`}
            value={formatPercent(market.trendPercent, 1, true)}
            hint={`zip ${market.zipcode} index${market.radiusChangePercent === null ? '' : `; radius $/sq ft ${formatPercent(market.radiusChangePercent, 1, true)} (last 6 months vs the 6 before)`}`}
          />
        </SimpleGrid>
        {market.indexSeries.length > 1 && (
          <div style={{ height: 120 }}>
            <Line
              role="img"
              aria-label={`Price index of zip ${market.zipcode}, ${formatMonth(market.indexSeries[0]!.month)} = 100, now ${market.indexSeries.at(-1)!.index.toFixed(1)}.`}
              data={{
                labels: market.indexSeries.map((point) => formatMonth(point.month)),
                datasets: [{ label: 'Price index', data: market.indexSeries.map((point) => point.index), borderColor: colors.accent, pointRadius: 0, tension: 0.3 }],
              }}
              options={{
                maintainAspectRatio: false,
                animation: false,
                scales: { x: { ticks: { color: colors.text, maxTicksLimit: 4 }, grid: { display: false } }, y: { ticks: { color: colors.text, maxTicksLimit: 3 }, grid: { color: colors.grid } } },
                plugins: { legend: { display: false } },
              }}
            />
          </div>
        )}
      </Stack>
    </Paper>
  );
}
