// A segment compiled to SQL over the local replica: the matching contacts, then the ones who must never
// get a message (no email, a suppression: unsubscribed / bounced / complaint / manual, or an address
// already taken by another matching contact), counted by reason. The same query lists the recipients a
// run sends to, so the count the user saw is the list that is sent.
import type Database from 'better-sqlite3';
import { sql, type SQL } from 'drizzle-orm';
import type { LocalStore } from '../../store/local-store.ts';
import { equityOf } from '../templates/merge-tags.ts';
import { EXCLUSION_REASONS, type ExclusionReason, type Segment, type SegmentRule } from './segment-definition.ts';

const PRIORITY_RANK = sql`(CASE a.priority WHEN 'CRITICAL' THEN 3 WHEN 'HIGH' THEN 2 WHEN 'MEDIUM' THEN 1 WHEN 'LOW' THEN 0 ELSE -1 END)`;
const RANK: Record<string, number> = { CRITICAL: 3, HIGH: 2, MEDIUM: 1, LOW: 0 };

const withFunctions = new WeakSet<Database.Database>();

/** Equity (estimate − amortised loan balance) as a SQL function, from the same code the merge tag uses. */
export function registerSegmentFunctions(sqlite: Database.Database): void {
  if (withFunctions.has(sqlite)) return;
  sqlite.function('roi_equity', { deterministic: true }, (estimate, loanOriginal, loanRate, loanTermYears, purchaseDate, asOf) =>
    equityOf(
      {
        address: '',
        zipcode: null,
        estimate: estimate as number | null,
        estimateLow: null,
        estimateHigh: null,
        bedrooms: null,
        bathrooms: null,
        sqftLiving: null,
        yrBuilt: null,
        purchaseDate: purchaseDate as string | null,
        purchasePrice: null,
        loanOriginal: loanOriginal as number | null,
        loanRate: loanRate as number | null,
        loanTermYears: loanTermYears as number | null,
      },
      new Date(String(asOf)),
    ),
  );
  withFunctions.add(sqlite);
}

type Context = { ownerId: string; now: Date };

const between = (column: SQL, min: number | null, max: number | null): SQL =>
  sql.join([...(min !== null ? [sql`${column} >= ${min}`] : []), ...(max !== null ? [sql`${column} <= ${max}`] : [])], sql` AND `);

const hasProperty = (condition: SQL) => sql`EXISTS (SELECT 1 FROM properties p WHERE p.contact_id = c.id AND p.deleted_at IS NULL AND ${condition})`;

function ruleSql(rule: SegmentRule, context: Context): SQL {
  switch (rule.kind) {
    case 'stage': {
      const list = sql.join(rule.stages.map((stage) => sql`${stage}`), sql`, `);
      return rule.negate ? sql`c.stage NOT IN (${list})` : sql`c.stage IN (${list})`;
    }
    case 'tag': {
      const has = sql`EXISTS (SELECT 1 FROM json_each(c.tags) WHERE json_each.value = ${rule.tag})`;
      return rule.negate ? sql`NOT ${has}` : has;
    }
    case 'zipcode':
      return sql`c.zipcode IN (${sql.join(rule.zipcodes.map((z) => sql`${z}`), sql`, `)})`;
    case 'mine':
      return sql`c.assigned_agent_id = ${context.ownerId}`;
    case 'alert': {
      const conditions: SQL[] = [sql`a.contact_id = c.id`];
      if (rule.types.length > 0) conditions.push(sql`a.type IN (${sql.join(rule.types.map((t) => sql`${t}`), sql`, `)})`);
      if (rule.minPriority) conditions.push(sql`${PRIORITY_RANK} >= ${RANK[rule.minPriority]!}`);
      if (rule.statuses.length > 0) conditions.push(sql`a.status IN (${sql.join(rule.statuses.map((s) => sql`${s}`), sql`, `)})`);
      const has = sql`EXISTS (SELECT 1 FROM alerts a WHERE ${sql.join(conditions, sql` AND `)})`;
      return rule.negate ? sql`NOT ${has}` : has;
    }
    case 'estimate':
      return hasProperty(between(sql`p.estimate`, rule.min, rule.max));
    case 'equity':
      return hasProperty(
        between(sql`roi_equity(p.estimate, p.loan_original, p.loan_rate, p.loan_term_years, p.purchase_date, ${context.now.toISOString()})`, rule.min, rule.max),
      );
    case 'loanRate':
      return hasProperty(sql`p.loan_original > 0 AND ${between(sql`p.loan_rate`, rule.min, rule.max)}`);
    case 'propertyZipcode':
      return hasProperty(sql`p.zipcode IN (${sql.join(rule.zipcodes.map((z) => sql`${z}`), sql`, `)})`);
    case 'engagement': {
      const since = new Date(context.now.getTime() - rule.days * 86_400_000).toISOString();
      const count = sql`(SELECT count(*) FROM events e WHERE e.contact_id = c.id AND e.occurred_at >= ${since}${rule.eventType ? sql` AND e.type = ${rule.eventType}` : sql``})`;
      return rule.negate ? sql`${count} = 0` : sql`${count} >= ${rule.minCount}`;
    }
  }
}

/** The WHERE clause of the matching contacts (before exclusions), over `contacts c`. */
export function segmentWhere(segment: Segment, context: Context): SQL {
  const rules = segment.rules.map((rule) => sql`(${ruleSql(rule, context)})`);
  const filter = rules.length === 0 ? sql`1` : sql.join(rules, segment.match === 'all' ? sql` AND ` : sql` OR `);
  return sql`c.deleted_at IS NULL AND (${filter})`;
}

/**
 * Every matching contact with why it is excluded (null: it gets the message). The first contact (by id)
 * of an email address keeps it; others sharing the address are duplicates.
 */
function classifiedSql(segment: Segment, context: Context): SQL {
  return sql`
    WITH matched AS (
      SELECT c.id, c.first_name, c.last_name, c.email, lower(trim(c.email)) AS address
      FROM contacts c WHERE ${segmentWhere(segment, context)}
    ), ranked AS (
      SELECT m.*, row_number() OVER (PARTITION BY m.address ORDER BY m.id) AS nth FROM matched m
    )
    SELECT r.id, r.first_name AS firstName, r.last_name AS lastName, r.address AS email,
      CASE
        WHEN r.address IS NULL OR r.address = '' OR instr(r.address, '@') = 0 THEN 'no_email'
        ELSE coalesce(
          (SELECT s.reason FROM suppressions s WHERE lower(s.email) = r.address ORDER BY s.created_at LIMIT 1),
          CASE WHEN r.nth > 1 THEN 'duplicate_email' END)
      END AS excluded
    FROM ranked r`;
}

export type SegmentCount = {
  /** Contacts matching the rules. */
  matching: number;
  /** Who would get the message. */
  recipients: number;
  excluded: { reason: ExclusionReason; count: number }[];
  sample: { id: string; name: string; email: string }[];
};

export type Recipient = { contactId: string; email: string };

export function countSegment(store: LocalStore, segment: Segment, context: Context, sampleSize = 10): SegmentCount {
  registerSegmentFunctions(store.sqlite);
  const groups = store.db.all<{ excluded: string | null; n: number }>(sql`SELECT excluded, count(*) AS n FROM (${classifiedSql(segment, context)}) GROUP BY excluded`);
  const sample = store.db.all<{ id: string; firstName: string; lastName: string; email: string }>(
    sql`SELECT id, firstName, lastName, email FROM (${classifiedSql(segment, context)}) WHERE excluded IS NULL ORDER BY lastName, firstName, id LIMIT ${sampleSize}`,
  );
  const byReason = new Map(groups.map((g) => [g.excluded, g.n]));
  return {
    matching: groups.reduce((sum, g) => sum + g.n, 0),
    recipients: byReason.get(null) ?? 0,
    excluded: EXCLUSION_REASONS.filter((reason) => (byReason.get(reason) ?? 0) > 0).map((reason) => ({ reason, count: byReason.get(reason)! })),
    sample: sample.map((row) => ({ id: row.id, name: `${row.firstName} ${row.lastName}`.trim() || row.email, email: row.email })),
  };
}

/** Who a run sends to, in a stable order (by contact id), exclusions applied. */
export function segmentRecipients(store: LocalStore, segment: Segment, context: Context): Recipient[] {
  registerSegmentFunctions(store.sqlite);
  return store.db
    .all<{ id: string; email: string }>(sql`SELECT id, email FROM (${classifiedSql(segment, context)}) WHERE excluded IS NULL ORDER BY id`)
    .map((row) => ({ contactId: row.id, email: row.email }));
}

/** Whether an address is suppressed right now (checked again just before each message). */
export function suppressionOf(store: LocalStore, email: string): string | null {
  const row = store.sqlite.prepare('SELECT reason FROM suppressions WHERE lower(email) = lower(trim(?)) LIMIT 1').get(email) as { reason: string } | undefined;
  return row?.reason ?? null;
}
