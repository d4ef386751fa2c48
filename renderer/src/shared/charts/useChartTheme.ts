import { useComputedColorScheme, useMantineTheme } from '@mantine/core';

export type ChartTheme = {
  dark: boolean;
  /** A theme color at the shade that reads on the current scheme (4 on dark, `lightShade` on light). */
  color: (name: string, lightShade?: number) => string;
  grid: string;
  text: string;
  /** Secondary series (machine opens, "other"). */
  muted: string;
};

/** Chart.js draws on a canvas and cannot read CSS variables: the theme's colors, resolved for the scheme. */
export function useChartTheme(): ChartTheme {
  const theme = useMantineTheme();
  const dark = useComputedColorScheme('light') === 'dark';
  return {
    dark,
    color: (name, lightShade = 6) => theme.colors[name]![dark ? 4 : lightShade]!,
    grid: dark ? theme.colors.dark[4]! : theme.colors.gray[2]!,
    text: dark ? theme.colors.dark[1]! : theme.colors.gray[7]!,
    muted: dark ? theme.colors.dark[3]! : theme.colors.gray[3]!,
  };
}
