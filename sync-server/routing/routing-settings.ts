// A brokerage's alert-routing settings, kept in `brokerages.settings.routing` (jsonb, no table of its
// own): how new alerts find an agent, and when an unclaimed CRITICAL alert escalates to the managers.
// The round-robin pointer lives in the same object (`roundRobin.lastAgentId`) so the routing hook can
// read and advance it in the mutation's own transaction.
import { z } from 'zod';

export const ROUTING_MODES = ['territory', 'round_robin', 'least_workload', 'manual'] as const;
export type RoutingMode = (typeof ROUTING_MODES)[number];

/** What territory routing does when no active agent holds the alert's zip code. */
export const TERRITORY_FALLBACKS = ['round_robin', 'least_workload', 'unassigned'] as const;
export type TerritoryFallback = (typeof TERRITORY_FALLBACKS)[number];

export const DEFAULT_ESCALATE_AFTER_MINUTES = 60;
/** A week: longer than that an "escalation" no longer means anything. */
export const MAX_ESCALATE_AFTER_MINUTES = 7 * 24 * 60;

/** Alerts still waiting for work: everything but the closed statuses. */
export const OPEN_ALERT_STATUSES = ['new', 'viewed', 'contacted', 'snoozed'] as const;

/** What a manager sets (PUT /v1/routing). */
export const routingSettingsSchema = z
  .object({
    mode: z.enum(ROUTING_MODES, { error: `mode must be one of ${ROUTING_MODES.join(', ')}` }),
    fallback: z.enum(TERRITORY_FALLBACKS, { error: `fallback must be one of ${TERRITORY_FALLBACKS.join(', ')}` }),
    escalateAfterMinutes: z
      .number({ error: 'escalateAfterMinutes must be a number of minutes' })
      .int('escalateAfterMinutes must be a whole number of minutes')
      .min(1, 'escalateAfterMinutes must be at least 1')
      .max(MAX_ESCALATE_AFTER_MINUTES, `escalateAfterMinutes must be at most ${MAX_ESCALATE_AFTER_MINUTES} (a week)`),
  })
  .strict();
export type RoutingSettings = z.output<typeof routingSettingsSchema>;

export const DEFAULT_ROUTING: RoutingSettings = {
  // Nothing moves until a manager chooses a rule: a brokerage that never opened the team page keeps
  // today's behaviour (unassigned alerts visible to every agent).
  mode: 'manual',
  fallback: 'round_robin',
  escalateAfterMinutes: DEFAULT_ESCALATE_AFTER_MINUTES,
};

/**
 * The settings as stored, each field falling back to its default when absent or unreadable (the row may
 * predate routing, or have been edited by hand): routing never fails an alert insert over bad settings.
 */
export function readRoutingSettings(stored: unknown): RoutingSettings {
  const object = stored && typeof stored === 'object' ? (stored as Record<string, unknown>) : {};
  const shape = routingSettingsSchema.shape;
  const field = <K extends keyof RoutingSettings>(key: K): RoutingSettings[K] => {
    const parsed = shape[key].safeParse(object[key]);
    return (parsed.success ? parsed.data : DEFAULT_ROUTING[key]) as RoutingSettings[K];
  };
  return { mode: field('mode'), fallback: field('fallback'), escalateAfterMinutes: field('escalateAfterMinutes') };
}

/** The round-robin pointer stored beside the settings (null before the first round-robin assignment). */
export function readLastRoundRobinAgent(stored: unknown): string | null {
  const pointer = stored && typeof stored === 'object' ? (stored as { roundRobin?: { lastAgentId?: unknown } }).roundRobin?.lastAgentId : null;
  return typeof pointer === 'string' ? pointer : null;
}
