// What the console's health, device and ingestion routes report from ./server-metrics.ts, as JSON. Types
// only, with no imports, so the console's web page (./web) uses the same definitions as the server.

export type MinuteBucket = { at: string; requests: number; mutations: number; errors: number; slow: number };
export type SlowRequest = { at: string; method: string; route: string; status: number; ms: number };
export type DeviceActivity = { tables: Record<string, string>; mutations: number; lastMutationAt: string | null; errors: { at: string; status: number; route: string }[] };
export type IngestTailEntry = {
  at: string;
  source: 'api' | 'csv' | 'webhook';
  status: number;
  brokerageId: string | null;
  keyLabel: string | null;
  accepted: number;
  duplicates: number;
  rejected: number;
  message: string | null;
  events: { id: string; contactId: string; type: string; occurredAt: string }[];
};
