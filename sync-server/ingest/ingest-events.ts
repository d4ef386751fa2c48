// Validating and storing engagement events from outside (the brokerage's website, its email tool, a
// CSV export). A batch is validated whole — types, dates, sizes, and that every contact exists in the
// brokerage — before one row is written; event ids make it idempotent (a resent event is a duplicate).
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { contacts, events } from '../../db/schema/pg.ts';
import { EVENT_TYPES } from '../../db/schema/vocabulary.ts';
import { rowsOf, type ServerDb } from '../database.ts';
import { ApiError, type ApiErrorDetail } from '../http/errors.ts';

export const MAX_EVENTS_PER_BATCH = 5_000;
const MAX_PROPS_BYTES = 4_096;

export const incomingEventSchema = z
  .object({
    id: z.string().trim().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, 'ids use letters, digits and _ . : -'),
    contactId: z.string().trim().min(1).max(128),
    type: z.enum(EVENT_TYPES),
    occurredAt: z.iso.datetime({ offset: true }),
    props: z
      .record(z.string().max(100), z.unknown())
      .default({})
      .refine((props) => JSON.stringify(props).length <= MAX_PROPS_BYTES, `props must be at most ${MAX_PROPS_BYTES} bytes of JSON`),
  })
  .strict();
export type IncomingEvent = z.output<typeof incomingEventSchema>;

export const eventBatchSchema = z.object({ events: z.array(incomingEventSchema).min(1).max(MAX_EVENTS_PER_BATCH) }).strict();

export type IngestResult = { accepted: number; duplicates: number };

/** Stores a validated batch, all or nothing. Throws 400 naming every unknown contact or foreign id. */
export async function ingestEvents(db: ServerDb, brokerageId: string, batch: IncomingEvent[], source: string, now: Date): Promise<IngestResult> {
  const occurredLimit = now.getTime() + 24 * 3600_000;
  const details: ApiErrorDetail[] = [];
  const seen = new Set<string>();
  batch.forEach((event, index) => {
    if (Date.parse(event.occurredAt) > occurredLimit) details.push({ path: `events.${index}.occurredAt`, message: 'is more than a day in the future' });
    if (seen.has(event.id)) details.push({ path: `events.${index}.id`, message: `repeats event id ${event.id} of this batch` });
    seen.add(event.id);
  });

  return db.transaction(async (tx) => {
    const contactIdOf = await resolveContacts(tx, brokerageId, batch.map((event) => event.contactId));
    batch.forEach((event, index) => {
      if (!contactIdOf.has(event.contactId)) details.push({ path: `events.${index}.contactId`, message: `no contact ${event.contactId} in this brokerage` });
    });
    const existing = rowsOf<{ id: string; brokerage_id: string }>(
      await tx.execute(sql`SELECT id, brokerage_id FROM events WHERE id IN (${sql.join([...seen].map((id) => sql`${id}`), sql`, `)})`),
    );
    const foreign = new Set(existing.filter((row) => row.brokerage_id !== brokerageId).map((row) => row.id));
    batch.forEach((event, index) => {
      if (foreign.has(event.id)) details.push({ path: `events.${index}.id`, message: `event id ${event.id} is already taken` });
    });
    if (details.length > 0) {
      const shown = details.slice(0, 50);
      throw new ApiError(400, 'invalid_request', `Nothing was stored: ${details.length} problem${details.length === 1 ? '' : 's'} — ${shown.slice(0, 3).map((d) => `${d.path} ${d.message}`).join('; ')}${details.length > 3 ? '; …' : ''}.`, { details: shown });
    }
    const stored = new Set(existing.map((row) => row.id));
    const fresh = batch.filter((event) => !stored.has(event.id));
    for (let start = 0; start < fresh.length; start += 1_000) {
      await tx.insert(events).values(
        fresh.slice(start, start + 1_000).map((event) => ({
          id: event.id,
          brokerageId,
          contactId: contactIdOf.get(event.contactId)!,
          type: event.type,
          occurredAt: new Date(event.occurredAt).toISOString(),
          props: event.props,
          source,
        })),
      );
    }
    return { accepted: fresh.length, duplicates: batch.length - fresh.length };
  });
}

type Reader = Pick<ServerDb, 'select'>;

/**
 * Maps the contact references of incoming events to contact ids of the brokerage. A reference is our
 * id or the brokerage's own id for the contact (external_id, e.g. its CRM's), whichever matches.
 */
export async function resolveContacts(db: Reader, brokerageId: string, references: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(references)];
  const resolved = new Map<string, string>();
  for (let start = 0; start < unique.length; start += 5_000) {
    const chunk = unique.slice(start, start + 5_000);
    const rows = await db
      .select({ id: contacts.id, externalId: contacts.externalId })
      .from(contacts)
      .where(and(eq(contacts.brokerageId, brokerageId), or(inArray(contacts.id, chunk), inArray(contacts.externalId, chunk))));
    for (const row of rows) {
      if (row.externalId && !resolved.has(row.externalId)) resolved.set(row.externalId, row.id);
      resolved.set(row.id, row.id); // our own id wins over a colliding external id
    }
  }
  return resolved;
}
