// The wire contract of /v1/campaign-runs (sync-server/campaigns/campaign-routes.ts), shared by the
// server that answers it and the device that calls it (electron/campaigns/sending/run-client.ts).

/** A device's lease on a run: it alone sends while the lease lives; `generation` counts takeovers. */
export type RunLease = { runId: string; campaignId: string; deviceId: string; leaseExpiresAt: string; generation: number };

/** A recipient another device reserved: `done` when its outcome reached the server, else `in_doubt`. */
export type ReservedElsewhere = { state: 'done' | 'in_doubt'; deviceName: string; reservedAt: string };
