import { useComputedColorScheme, useMantineTheme } from '@mantine/core';

export type ChartColors = { primary: string; primaryFill: string; secondary: string; accent: string; subject: string; grid: string; text: string };

/** Chart.js draws on a canvas and cannot read CSS variables: the theme's colors, resolved for the scheme. */
export function useChartColors(): ChartColors {
  const theme = useMantineTheme();
  const dark = useComputedColorScheme('light') === 'dark';
  return {
    primary: theme.colors.indigo[dark ? 4 : 6],
    primaryFill: dark ? 'rgba(116, 143, 252, 0.18)' : 'rgba(76, 110, 245, 0.14)',
    secondary: theme.colors.orange[dark ? 4 : 6],
    accent: theme.colors.teal[dark ? 4 : 7],
    subject: theme.colors.red[dark ? 4 : 7],
    grid: dark ? theme.colors.dark[4] : theme.colors.gray[2],
    text: dark ? theme.colors.dark[1] : theme.colors.gray[7],
  };
}
