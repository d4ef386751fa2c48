import type { OperationOutput } from '../../../shared/api/ipcContract.ts';

export type TeamOverview = OperationOutput<'getTeamOverview'>;
export type TeamPeriod = TeamOverview['period'];
export type RoutingState = OperationOutput<'getRoutingSettings'>;
export type RoutingSettings = RoutingState['routing'];
export type IntentType = TeamOverview['conversionByType'][number]['type'];
export type FunnelStage = TeamOverview['funnel'][number]['stage'];

export const PERIOD_OPTIONS: { value: TeamPeriod; label: string }[] = [
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '12 months' },
  { value: 'all', label: 'All time' },
];

export const TYPE_LABELS: Record<IntentType, string> = { sell: 'Sell', buy: 'Buy', refinance: 'Refinance', investment: 'Investment' };

export const FUNNEL_LABELS: Record<FunnelStage, string> = {
  alerts: 'Alerts',
  viewed: 'Viewed',
  contacted: 'Contacted',
  appointment: 'Appointment',
  converted: 'Converted',
};

export const MODE_OPTIONS: { value: RoutingSettings['mode']; label: string; description: string }[] = [
  { value: 'manual', label: 'Manual', description: 'New alerts stay unassigned (every agent sees them) until you assign them.' },
  { value: 'territory', label: 'By territory', description: 'The agent whose territory holds the property’s zip code (else the contact’s).' },
  { value: 'round_robin', label: 'Round robin', description: 'Agents take turns, in a fixed order.' },
  { value: 'least_workload', label: 'Least workload', description: 'The agent with the fewest open alerts.' },
];

export const FALLBACK_OPTIONS: { value: RoutingSettings['fallback']; label: string }[] = [
  { value: 'round_robin', label: 'Round robin' },
  { value: 'least_workload', label: 'Least workload' },
  { value: 'unassigned', label: 'Leave unassigned' },
];

/** "12 min", "3.5 h", "2.1 days"; "—" when there is nothing to measure. */
export function formatMinutes(minutes: number | null): string {
  if (minutes === null) return '—';
  if (minutes < 60) return `${Math.round(minutes)} min`;
  if (minutes < 48 * 60) return `${(minutes / 60).toFixed(1)} h`;
  return `${(minutes / 1440).toFixed(1)} days`;
}

export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(rate > 0 && rate < 0.1 ? 1 : 0)}%`;
}

/** "Mar 16" for a YYYY-MM-DD week start. */
export function formatWeek(week: string): string {
  return new Date(`${week}T00:00:00Z`).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
}
