// Leases on campaign runs. A device sends a run only while it holds the run's lease here: taking it is one
// atomic upsert (free, expired, or already ours), so of two devices racing exactly one wins; the holder
// renews it while sending and releases it, marking the run completed, at the end. A completed run is
// never claimed again. `generation` changes whenever the lease changes hands, so a device whose lease
// expired and was taken over learns it at its next renewal and stops.
import { sql } from 'drizzle-orm';
import { rowsOf, type ServerDb } from '../database.ts';
import type { ReservedElsewhere, RunLease } from '../../db/sync/campaign-runs.ts';
import { tableRule } from '../../db/sync/mutations.ts';
import { ApiError, type ApiErrorCode } from '../http/errors.ts';

export type ClaimConflictCode = Extract<ApiErrorCode, 'run_claimed' | 'run_completed' | 'lease_lost'>;

/** 409 with the code saying why this device may not send the run. */
const claimConflict = (code: ClaimConflictCode, message: string, data?: Record<string, unknown>) =>
  new ApiError(409, code, message, data ? { data } : {});

export const DEFAULT_LEASE_SECONDS = 120;
export const MAX_LEASE_SECONDS = 900;

type ClaimRow = {
  run_id: string;
  campaign_id: string;
  device_id: string;
  user_id: string;
  lease_expires_at: string | Date;
  generation: number;
  completed_at: string | Date | null;
};

const iso = (value: string | Date) => new Date(value).toISOString();
const leaseOf = (row: ClaimRow): RunLease => ({
  runId: row.run_id,
  campaignId: row.campaign_id,
  deviceId: row.device_id,
  leaseExpiresAt: iso(row.lease_expires_at),
  generation: Number(row.generation),
});

export type Caller = { userId: string; brokerageId: string; deviceId: string };

async function currentClaim(db: ServerDb, runId: string): Promise<ClaimRow | undefined> {
  return rowsOf<ClaimRow>(await db.execute(sql`SELECT * FROM server_campaign_claims WHERE run_id = ${runId}`))[0];
}

async function holderName(db: ServerDb, deviceId: string): Promise<string> {
  const row = rowsOf<{ name: string }>(await db.execute(sql`SELECT name FROM devices WHERE id = ${deviceId}`))[0];
  return row?.name ?? 'another device';
}

/** Takes the run's lease for the caller's device, or says who holds it (409). */
export async function claimRun(db: ServerDb, caller: Caller, input: { runId: string; campaignId: string; leaseSeconds: number }, now: Date): Promise<RunLease> {
  const campaign = rowsOf<{ owner_id: string | null; deleted_at: string | null }>(
    await db.execute(sql`SELECT owner_id, deleted_at FROM campaigns WHERE id = ${input.campaignId} AND brokerage_id = ${caller.brokerageId}`),
  )[0];
  if (!campaign || campaign.deleted_at) {
    throw new ApiError(404, 'not_found', `There is no campaign ${input.campaignId} on the server yet. Let the app finish syncing, then send again.`);
  }
  if (campaign.owner_id !== caller.userId) throw new ApiError(403, 'forbidden', 'Only the campaign’s owner can send it, from one of their own devices.');

  const expires = new Date(now.getTime() + input.leaseSeconds * 1000).toISOString();
  const at = now.toISOString();
  const taken = rowsOf<ClaimRow>(
    await db.execute(sql`
      INSERT INTO server_campaign_claims (run_id, brokerage_id, campaign_id, user_id, device_id, lease_expires_at, generation)
      VALUES (${input.runId}, ${caller.brokerageId}, ${input.campaignId}, ${caller.userId}, ${caller.deviceId}, ${expires}, 1)
      ON CONFLICT (run_id) DO UPDATE SET
        device_id = excluded.device_id,
        lease_expires_at = excluded.lease_expires_at,
        generation = CASE WHEN server_campaign_claims.device_id = excluded.device_id THEN server_campaign_claims.generation ELSE server_campaign_claims.generation + 1 END,
        updated_at = now()
      WHERE server_campaign_claims.completed_at IS NULL
        AND server_campaign_claims.campaign_id = excluded.campaign_id
        AND server_campaign_claims.user_id = excluded.user_id
        AND (server_campaign_claims.device_id = excluded.device_id OR server_campaign_claims.lease_expires_at < ${at})
      RETURNING *`),
  )[0];
  if (taken) return leaseOf(taken);

  const existing = await currentClaim(db, input.runId);
  if (!existing) throw claimConflict('run_claimed', 'The run could not be claimed. Try again.');
  if (existing.campaign_id !== input.campaignId || existing.user_id !== caller.userId) {
    throw new ApiError(403, 'forbidden', `Run ${input.runId} belongs to another campaign or user.`);
  }
  if (existing.completed_at) {
    throw claimConflict('run_completed', 'This run has already been sent completely; it is never sent twice.', { completedAt: iso(existing.completed_at) });
  }
  throw claimConflict('run_claimed', `This run is being sent from ${await holderName(db, existing.device_id)}; it will not be sent twice.`, {
    deviceId: existing.device_id,
    leaseExpiresAt: iso(existing.lease_expires_at),
  });
}

/** Extends the lease the caller holds; 409 lease_lost when it expired and another device took it, or the run is done. */
export async function renewRun(db: ServerDb, caller: Caller, input: { runId: string; generation: number; leaseSeconds: number }, now: Date): Promise<RunLease> {
  const expires = new Date(now.getTime() + input.leaseSeconds * 1000).toISOString();
  const renewed = rowsOf<ClaimRow>(
    await db.execute(sql`
      UPDATE server_campaign_claims SET lease_expires_at = ${expires}, updated_at = now()
      WHERE run_id = ${input.runId} AND device_id = ${caller.deviceId} AND user_id = ${caller.userId}
        AND generation = ${input.generation} AND completed_at IS NULL
      RETURNING *`),
  )[0];
  if (!renewed) throw claimConflict('lease_lost', 'This device no longer holds the run (its lease lapsed or the run finished). Sending stopped.');
  return leaseOf(renewed);
}

/** Gives the lease up; `completed` marks the run done for good. Idempotent for the holder. */
export async function releaseRun(db: ServerDb, caller: Caller, input: { runId: string; generation: number; completed: boolean }, now: Date): Promise<{ completed: boolean }> {
  const released = rowsOf<ClaimRow>(
    await db.execute(sql`
      UPDATE server_campaign_claims SET lease_expires_at = ${now.toISOString()}, updated_at = now(),
        completed_at = CASE WHEN ${input.completed} THEN coalesce(completed_at, ${now.toISOString()}::timestamptz) ELSE completed_at END
      WHERE run_id = ${input.runId} AND device_id = ${caller.deviceId} AND user_id = ${caller.userId} AND generation = ${input.generation}
      RETURNING *`),
  )[0];
  if (!released) throw claimConflict('lease_lost', 'This device does not hold the run.');
  return { completed: released.completed_at !== null };
}

/** Throws unless the caller holds a live lease on the run (tokens are only handed to the sender). */
export async function requireLease(db: ServerDb, caller: Caller, runId: string, generation: number, now: Date): Promise<ClaimRow & { brokerage_id: string }> {
  const row = (await currentClaim(db, runId)) as (ClaimRow & { brokerage_id: string }) | undefined;
  if (!row || row.device_id !== caller.deviceId || row.user_id !== caller.userId || Number(row.generation) !== generation || row.completed_at || new Date(row.lease_expires_at) < now) {
    throw claimConflict('lease_lost', 'Claim the run before asking for its tracking links.');
  }
  return row;
}

// A send whose status ranks above 'sending' is settled (the catalogue's order); 'sending', or no row,
// means the outcome never reached the server.
const sendRank = tableRule('campaign_sends').settledBy!.rank;
const isSettled = (status: string | null) => status !== null && (sendRank[status] ?? -1) > sendRank.sending!;

/**
 * Reserves recipients of a run for the caller's device, which must hold the run's live lease. A recipient
 * already reserved by this device is reserved again (its own send log decides what happened to it); one
 * reserved by another device is not handed out again, and comes back in `elsewhere`.
 */
export async function reserveRecipients(
  db: ServerDb,
  caller: Caller,
  runId: string,
  contactIds: string[],
  now: Date,
): Promise<{ reserved: string[]; elsewhere: Record<string, ReservedElsewhere> }> {
  const unique = [...new Set(contactIds)]; // one row per recipient, however often the request names it
  const ids = sql.join(unique.map((c) => sql`${c}`), sql`, `);
  const reserved = rowsOf<{ contact_id: string }>(
    await db.execute(sql`
      INSERT INTO server_campaign_reservations (run_id, contact_id, brokerage_id, device_id, reserved_at)
      SELECT ${runId}, c, ${caller.brokerageId}, ${caller.deviceId}, ${now.toISOString()} FROM unnest(ARRAY[${ids}]::text[]) AS c
      ON CONFLICT (run_id, contact_id) DO UPDATE SET reserved_at = excluded.reserved_at
        WHERE server_campaign_reservations.device_id = excluded.device_id
      RETURNING contact_id`),
  ).map((row) => row.contact_id);
  const mine = new Set(reserved);
  const others = unique.filter((contactId) => !mine.has(contactId));
  const elsewhere: Record<string, ReservedElsewhere> = {};
  if (others.length > 0) {
    const rows = rowsOf<{ contact_id: string; device_name: string | null; reserved_at: string | Date; status: string | null }>(
      await db.execute(sql`
        SELECT r.contact_id, d.name AS device_name, r.reserved_at, s.status
        FROM server_campaign_reservations r
        LEFT JOIN devices d ON d.id = r.device_id
        LEFT JOIN campaign_sends s ON s.run_id = r.run_id AND s.contact_id = r.contact_id AND s.brokerage_id = r.brokerage_id
        WHERE r.run_id = ${runId} AND r.brokerage_id = ${caller.brokerageId} AND r.contact_id IN (${sql.join(others.map((c) => sql`${c}`), sql`, `)})`),
    );
    for (const row of rows) {
      elsewhere[row.contact_id] = {
        state: isSettled(row.status) ? 'done' : 'in_doubt',
        deviceName: row.device_name ?? 'another device',
        reservedAt: iso(row.reserved_at),
      };
    }
  }
  return { reserved, elsewhere };
}
