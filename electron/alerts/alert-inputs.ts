// Reads what the intent models need from the replica: contacts with their home (the owner facts live on
// `properties`), their events, and the span of the event history. Produces the same plain records
// (models/intent/intent-inputs.ts) `roi score` builds from CSV files, so both share one feature builder.
// A contact without a property is a non-owner; one without events simply has an empty history.
import type Database from 'better-sqlite3';
import { EVENT_TYPES, type EventType } from '../../db/schema/vocabulary.ts';
import { DETAIL_PROP, parseUtc, type IntentContact, type IntentEvent } from '../../models/intent/intent-inputs.ts';
import { isOpen, OPEN_STATUSES } from './alert-rules.ts';

export type ContactInput = { contact: IntentContact; propertyId: string | null; assignedAgentId: string | null };

type ContactRow = {
  id: string;
  zipcode: string | null;
  household_size: number | null;
  age_band: string | null;
  source: string | null;
  assigned_agent_id: string | null;
  property_id: string | null;
  purchase_date: string | null;
  purchase_price: number | null;
  loan_original: number | null;
  loan_rate: number | null;
  loan_term_years: number | null;
  estimate: number | null;
  sqft_living: number | null;
  bedrooms: number | null;
  yr_built: number | null;
  grade: number | null;
};

const KNOWN_TYPES = new Set<string>(EVENT_TYPES);
const TYPES_LIST = EVENT_TYPES.map((type) => `'${type}'`).join(', ');
/**
 * An event's detail in SQL, as eventDetail (models/intent/intent-inputs.ts) reads it from the same props:
 * the DETAIL_PROP of its type when that is a JSON string, else none (reading JSON in SQLite is several
 * times faster than JSON.parse per row). Damaged JSON only loses the detail.
 */
const DETAIL_SQL = `CASE WHEN json_valid(props) THEN CASE type ${Object.entries(DETAIL_PROP)
  .map(([type, prop]) => `WHEN '${type}' THEN CASE WHEN json_type(props, '$.${prop}') = 'text' THEN json_extract(props, '$.${prop}') END`)
  .join(' ')} END END`;

const finite = (value: number | null) => (value === null || !Number.isFinite(value) ? null : value);

export function createAlertInputs(db: Database.Database) {
  const scope = (column: string, ids: string[] | null) => (ids === null ? '' : ` AND ${column} IN (SELECT value FROM json_each(?))`);
  const params = (ids: string[] | null) => (ids === null ? [] : [JSON.stringify(ids)]);

  // A contact's home: its live property (the most recently bought, if several).
  const contactsSql = (ids: string[] | null) => `
    SELECT c.id, c.zipcode, c.household_size, c.age_band, c.source, c.assigned_agent_id,
      p.id AS property_id, p.purchase_date, p.purchase_price, p.loan_original, p.loan_rate, p.loan_term_years,
      p.estimate, p.sqft_living, p.bedrooms, p.yr_built, p.grade
    FROM contacts c
    LEFT JOIN properties p ON p.id = (
      SELECT id FROM properties WHERE contact_id = c.id AND deleted_at IS NULL ORDER BY purchase_date DESC, id LIMIT 1)
    WHERE c.deleted_at IS NULL${scope('c.id', ids)}
    ORDER BY c.id`;

  return {
    contacts(ids: string[] | null): ContactInput[] {
      const rows = db.prepare(contactsSql(ids)).all(...params(ids)) as ContactRow[];
      return rows.map((row) => {
        const owner = row.property_id !== null;
        const purchaseDate = owner && row.purchase_date ? parseUtc(row.purchase_date) : Number.NaN;
        return {
          propertyId: row.property_id,
          assignedAgentId: row.assigned_agent_id,
          contact: {
            id: row.id,
            isOwner: owner,
            zipcode: row.zipcode,
            purchaseDate: Number.isFinite(purchaseDate) ? purchaseDate : null,
            purchasePrice: finite(row.purchase_price),
            loanOriginal: finite(row.loan_original),
            loanRate: finite(row.loan_rate),
            loanTermYears: finite(row.loan_term_years),
            estimatedValue: finite(row.estimate),
            sqftLiving: finite(row.sqft_living),
            bedrooms: finite(row.bedrooms),
            yearBuilt: finite(row.yr_built),
            grade: finite(row.grade),
            householdSize: finite(row.household_size),
            ageBand: row.age_band,
            source: row.source,
          },
        };
      });
    },

    /** Events of the contacts (all when null), grouped by contact; unknown types and unreadable times are skipped. */
    events(ids: string[] | null): { byContact: Map<string, IntentEvent[]>; first: number; newest: number } {
      const byContact = new Map<string, IntentEvent[]>();
      const rows = db
        // In table order (a sequential scan is ~2× faster than walking the (contact, time) index with a row
        // lookup each); prepareContactHistory sorts each contact's events.
        .prepare(`SELECT contact_id, type, occurred_at, ${DETAIL_SQL} FROM events WHERE 1 = 1${scope('contact_id', ids)}`)
        .raw()
        .all(...params(ids)) as [string, string, string, string | null][];
      let currentId = '';
      let current: IntentEvent[] = [];
      let first = Number.NaN;
      let newest = Number.NaN;
      for (const [contactId, type, occurredAt, detail] of rows) {
        if (!KNOWN_TYPES.has(type)) continue;
        const at = Date.parse(occurredAt);
        if (!Number.isFinite(at)) continue;
        const event: IntentEvent = detail === null ? { type: type as EventType, at } : { type: type as EventType, at, detail };
        if (contactId !== currentId) {
          currentId = contactId;
          current = byContact.get(currentId) ?? [];
          byContact.set(currentId, current);
        }
        current.push(event);
        if (!(at >= first)) first = at;
        if (!(at <= newest)) newest = at;
      }
      return { byContact, first, newest };
    },

    /** First and newest event time (epoch ms, NaN when none) over the whole replica. */
    eventSpan(): { first: number; newest: number } {
      const row = db.prepare(`SELECT min(occurred_at) AS first, max(occurred_at) AS newest FROM events WHERE type IN (${TYPES_LIST})`).get() as {
        first: string | null;
        newest: string | null;
      };
      return { first: row.first ? Date.parse(row.first) : Number.NaN, newest: row.newest ? Date.parse(row.newest) : Number.NaN };
    },

    /** The stored score of the newest alert still being worked per (contact, type), keyed `contact\ttype`. */
    openAlerts(ids: string[] | null, now: number): Map<string, { probability: number; priority: string }> {
      const rows = db
        .prepare(
          `SELECT contact_id, type, probability, priority, status, snoozed_until FROM alerts
           WHERE status IN (${OPEN_STATUSES.map((status) => `'${status}'`).join(', ')})${scope('contact_id', ids)} ORDER BY created_at`,
        )
        .all(...params(ids)) as { contact_id: string; type: string; probability: number; priority: string; status: string; snoozed_until: string | null }[];
      return new Map(
        rows
          .filter((row) => isOpen({ status: row.status, snoozedUntil: row.snoozed_until }, now))
          .map((row) => [`${row.contact_id}\t${row.type}`, { probability: row.probability, priority: row.priority }]),
      );
    },
  };
}
