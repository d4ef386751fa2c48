// The closed vocabularies both dialects, the IPC contract and the HTTP API share.
// Stored as text (not database enums) so adding a value is a code change, not a migration on every laptop.

export const ROLES = ['agent', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const CONTACT_STAGES = ['lead', 'prospect', 'active', 'past_client', 'sphere', 'archived'] as const;
export type ContactStage = (typeof CONTACT_STAGES)[number];

export const INTENT_TYPES = ['sell', 'buy', 'refinance', 'investment'] as const;
export type IntentType = (typeof INTENT_TYPES)[number];

export const ALERT_PRIORITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export type AlertPriority = (typeof ALERT_PRIORITIES)[number];

export const ALERT_STATUSES = ['new', 'viewed', 'contacted', 'converted', 'dismissed', 'snoozed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const EVENT_TYPES = [
  'home_value_checked',
  'document_viewed',
  'document_downloaded',
  'document_shared',
  'email_opened',
  'email_clicked',
  'calculator_used',
  'comparables_viewed',
  'market_report_viewed',
  'home_search',
  'profile_updated',
  'login',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const ACTIVITY_KINDS = ['call', 'meeting', 'email', 'showing', 'text', 'status_change'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export const SUPPRESSION_REASONS = ['unsubscribed', 'bounced', 'complaint', 'manual'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];
