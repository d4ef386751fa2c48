// The team page's part of the IPC contract (spread into electron/ipc/contract.ts): the managers' team
// figures read from the local replica, bulk reassignment, and the server's routing settings.
import { z } from 'zod';
import { ALERT_PRIORITIES, INTENT_TYPES } from '../../db/schema/vocabulary.ts';

const recordId = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, 'not a record id');

/** The routing vocabulary of the sync server (sync-server/routing/routing-settings.ts). */
export const ROUTING_MODES = ['territory', 'round_robin', 'least_workload', 'manual'] as const;
export const TERRITORY_FALLBACKS = ['round_robin', 'least_workload', 'unassigned'] as const;
export const MAX_ESCALATE_AFTER_MINUTES = 7 * 24 * 60;

/** The stages an alert passes on its way to a deal; each includes every later one. */
export const FUNNEL_STAGES = ['alerts', 'viewed', 'contacted', 'appointment', 'converted'] as const;

/** How far back the figures look (alerts created in the window); open workloads are always current. */
export const TEAM_PERIODS = [30, 90, 365, 'all'] as const;

export const routingSettingsSchema = z
  .object({
    mode: z.enum(ROUTING_MODES),
    fallback: z.enum(TERRITORY_FALLBACKS),
    escalateAfterMinutes: z
      .number()
      .int('Escalation time is a whole number of minutes')
      .min(1, 'Escalate after at least 1 minute')
      .max(MAX_ESCALATE_AFTER_MINUTES, 'Escalate within a week (10080 minutes)'),
  })
  .strict();

export const routingStateSchema = z.object({
  routing: routingSettingsSchema,
  agents: z.array(z.object({ id: z.string(), name: z.string(), email: z.string(), territories: z.array(z.string()), openAlerts: z.number().int() })),
});

const teamAgentSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.string(),
  /** Deactivated agents still appear while they hold open alerts (so those can be handed over). */
  active: z.boolean(),
  territories: z.array(z.string()),
  openAlerts: z.number().int(),
  openCritical: z.number().int(),
  escalatedOpen: z.number().int(),
});

export const leaderboardRowSchema = z.object({
  agentId: z.string(),
  name: z.string(),
  /** Alerts of the period the agent worked: contacted, converted or dismissed. */
  handled: z.number().int(),
  /** Median minutes from the alert's creation to its first contact (null: no contacted alert). */
  medianResponseMinutes: z.number().nullable(),
  conversions: z.number().int(),
  /** conversions / alerts assigned in the period (null: none assigned). */
  conversionRate: z.number().nullable(),
  assigned: z.number().int(),
});

export const escalatedAlertSchema = z.object({
  id: z.string(),
  contactName: z.string(),
  type: z.enum(INTENT_TYPES),
  priority: z.enum(ALERT_PRIORITIES),
  assignedAgentId: z.string().nullable(),
  assignedName: z.string().nullable(),
  createdAt: z.string(),
  escalatedAt: z.string(),
});

export const teamOverviewSchema = z.object({
  period: z.enum(['30', '90', '365', 'all']),
  /** The window's first day (ISO), null for all time. */
  since: z.string().nullable(),
  agents: z.array(teamAgentSchema),
  unassignedOpen: z.number().int(),
  leaderboard: z.array(leaderboardRowSchema),
  teamMedianResponseMinutes: z.number().nullable(),
  conversionByType: z.array(z.object({ type: z.enum(INTENT_TYPES), alerts: z.number().int(), converted: z.number().int(), rate: z.number().nullable() })),
  funnel: z.array(z.object({ stage: z.enum(FUNNEL_STAGES), count: z.number().int() })),
  /** Alerts created per week (weeks start on Monday, UTC), by type; weeks without alerts are included as zeros. */
  volumeByWeek: z.array(z.object({ week: z.string(), counts: z.record(z.enum(INTENT_TYPES), z.number().int()) })),
  escalated: z.array(escalatedAlertSchema),
});

export const teamContract = {
  getTeamOverview: {
    input: z.object({ period: z.enum(['30', '90', '365', 'all']).default('90') }).strict().optional(),
    output: teamOverviewSchema,
  },
  reassignOpenAlerts: {
    input: z
      .object({
        /** Whose open alerts move; null = the unassigned ones. */
        fromAgentId: recordId.nullable(),
        /** Who takes them; null = back to unassigned (every agent sees them). */
        toAgentId: recordId.nullable(),
        /** Only these (each must be open and held by fromAgentId); omitted = all of fromAgentId's open alerts. */
        alertIds: z.array(recordId).min(1).max(20_000).optional(),
      })
      .strict()
      .refine((input) => input.fromAgentId !== input.toAgentId, 'Choose a different agent to hand the alerts to'),
    output: z.object({ alertIds: z.array(z.string()), fromAgentId: z.string().nullable(), toAgentId: z.string().nullable() }),
  },
  getRoutingSettings: { input: z.undefined().optional(), output: routingStateSchema },
  saveRoutingSettings: { input: routingSettingsSchema, output: routingStateSchema },
} satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;

export type TeamOverview = z.output<typeof teamOverviewSchema>;
export type TeamPeriod = TeamOverview['period'];
export type RoutingSettings = z.output<typeof routingSettingsSchema>;
export type RoutingState = z.output<typeof routingStateSchema>;
export type ReassignInput = z.output<(typeof teamContract)['reassignOpenAlerts']['input']>;
export type ReassignResult = z.output<(typeof teamContract)['reassignOpenAlerts']['output']>;
