import { useChartTheme } from '../../../shared/charts/useChartTheme.ts';

export type ChartColors = { primary: string; primaryFill: string; secondary: string; accent: string; subject: string; grid: string; text: string };

/** The property page's series colors on the shared chart theme. */
export function useChartColors(): ChartColors {
  const { dark, color, grid, text } = useChartTheme();
  return {
    primary: color('indigo'),
    primaryFill: dark ? 'rgba(116, 143, 252, 0.18)' : 'rgba(76, 110, 245, 0.14)',
    secondary: color('orange'),
    accent: color('teal', 7),
    subject: color('red', 7),
    grid,
    text,
  };
}
