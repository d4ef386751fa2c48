import type { ChartOptions } from 'chart.js';
import type { ChartColors } from './useChartColors.ts';
import { formatCompactMoney, formatMonth } from '../utils/formatValue.ts';

/**
 * A linear x-axis of epoch milliseconds labelled by month (no date adapter needed), and a money y-axis.
 * Shared by the value history and equity timeline.
 */
export function timeMoneyScales(colors: ChartColors): NonNullable<ChartOptions<'line'>['scales']> {
  return {
    x: {
      type: 'linear',
      grid: { color: colors.grid },
      ticks: { color: colors.text, maxTicksLimit: 7, callback: (value) => formatMonth(new Date(Number(value)).toISOString().slice(0, 7)) },
    },
    y: { grid: { color: colors.grid }, ticks: { color: colors.text, callback: (value) => formatCompactMoney(Number(value)) } },
  };
}
