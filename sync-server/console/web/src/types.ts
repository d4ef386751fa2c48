// What the console API answers (sync-server/console/*-routes.ts), as the page uses it.
import type { DeviceActivity, IngestTailEntry, MinuteBucket, SlowRequest } from '../../console-metrics-wire.ts';

export type { DeviceActivity, MinuteBucket, SlowRequest };
export type TailEntry = IngestTailEntry;

export type Role = 'agent' | 'manager' | 'admin';
export type ConsoleUser = { id: string; email: string; name: string; role: 'manager' | 'admin'; brokerageId: string | null; brokerageName: string | null };
export type SessionInfo = { user: ConsoleUser; csrfToken: string; expiresAt: string; idleTimeoutMs: number };

export type Brokerage = { id: string; name: string; postalAddress: string; createdAt: string; deactivatedAt: string | null; users: number; requireTotp: boolean };
export type UserRow = {
  id: string;
  email: string;
  name: string;
  role: Role;
  brokerageId: string | null;
  brokerageName: string | null;
  territories: string[];
  createdAt: string;
  deactivatedAt: string | null;
  hasPassword: boolean;
  invitePending: boolean;
  activeDevices: number;
  lastSeenAt: string | null;
};

export type DeviceRow = {
  id: string;
  brokerageId: string | null;
  userId: string;
  userName: string;
  userEmail: string;
  name: string;
  platform: string;
  appVersion: string;
  createdAt: string;
  lastSeenAt: string | null;
  revokedAt: string | null;
  lastMutationId: number;
  lastMutationAt: string | null;
  activity: DeviceActivity | null;
};

export type Health = {
  instance: { startedAt: string; slowRequestMs: number; minutes: MinuteBucket[]; slowRequests: SlowRequest[] };
  liveSubscribers: number;
  changeLog: { entries: number; bytes: number };
  devices: { active: number; seenLast5Minutes: number };
};

export type Conflict = {
  id: string;
  brokerageId: string;
  tableName: string;
  rowId: string;
  contactId: string | null;
  field: string;
  winningValue: unknown;
  losingValue: unknown;
  winningHlc: string;
  losingHlc: string;
  losingDeviceId: string | null;
  losingUserId: string | null;
  losingUserName: string | null;
  losingUserEmail: string | null;
  createdAt: string;
};

export type ModelVersion = {
  id: string;
  name: string;
  version: string;
  sha256: string;
  size: number;
  active: boolean;
  createdAt: string;
  activatedAt: string | null;
  metadata: { card?: string; notes?: string; uploadedBy?: string; signature?: unknown } & Record<string, unknown>;
};

export type IngestKey = { id: string; brokerageId: string; brokerageName: string; label: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };
export type WebhookSecret = { id: string; brokerageId: string; brokerageName: string; createdAt: string; revokedAt: string | null };
export type CsvReport = { accepted: number; duplicates: number; rejected: number; errors: { row: number; message: string }[] };

export type AuditEntry = {
  id: number;
  brokerageId: string | null;
  actorId: string | null;
  actorEmail: string;
  action: string;
  targetType: string;
  targetId: string;
  details: Record<string, unknown>;
  ip: string;
  createdAt: string;
};
