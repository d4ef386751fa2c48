import { useChartTheme } from '../../../shared/charts/useChartTheme.ts';
import type { IntentType } from '../utils/teamFormat.ts';

export type TeamChartColors = { types: Record<IntentType, string>; primary: string; muted: string; grid: string; text: string };

/** The team page's series colors on the shared chart theme. */
export function useTeamChartColors(): TeamChartColors {
  const { color, muted, grid, text } = useChartTheme();
  return {
    types: { sell: color('indigo'), buy: color('teal'), refinance: color('orange'), investment: color('grape') },
    primary: color('indigo'),
    muted,
    grid,
    text,
  };
}
