import { useComputedColorScheme, useMantineTheme } from '@mantine/core';
import type { IntentType } from '../utils/teamFormat.ts';

export type TeamChartColors = { types: Record<IntentType, string>; primary: string; muted: string; grid: string; text: string };

/** Chart.js draws on a canvas and cannot read CSS variables: the theme's colors, resolved for the scheme. */
export function useTeamChartColors(): TeamChartColors {
  const theme = useMantineTheme();
  const dark = useComputedColorScheme('light') === 'dark';
  const shade = dark ? 4 : 6;
  return {
    types: { sell: theme.colors.indigo[shade]!, buy: theme.colors.teal[shade]!, refinance: theme.colors.orange[shade]!, investment: theme.colors.grape[shade]! },
    primary: theme.colors.indigo[shade]!,
    muted: dark ? theme.colors.dark[3] : theme.colors.gray[3],
    grid: dark ? theme.colors.dark[4] : theme.colors.gray[2],
    text: dark ? theme.colors.dark[1] : theme.colors.gray[7],
  };
}
