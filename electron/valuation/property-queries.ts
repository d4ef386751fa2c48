// Reads of the property pages and the valuation batches: the paged, searchable list, one property with
// its owner, and the few lookups around it. Prepared once per session: a batch reads hundreds of rows, and
// building and preparing a statement per read cost more than the reads themselves.
import { and, eq, isNull, sql } from 'drizzle-orm';
import { contacts, properties, tasks } from '../../db/schema/sqlite.ts';
import type { OperationOutput, PropertySort, PropertySummary } from '../ipc/contract.ts';
import type { LocalStore } from '../store/local-store.ts';
import type { PropertyRow } from './property-subject.ts';

const ORDER_BY: Record<PropertySort, string> = {
  address: 'p.address COLLATE NOCASE, p.id',
  estimate: 'p.estimate DESC NULLS LAST, p.id',
  // Least certain first: the estimates an agent should look at.
  confidence: 'p.estimate_confidence ASC NULLS FIRST, p.id',
};

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export type PropertyQueries = ReturnType<typeof createPropertyQueries>;

export function createPropertyQueries({ db, sqlite }: Pick<LocalStore, 'db' | 'sqlite'>) {
  const byId = db
    .select()
    .from(properties)
    .where(and(eq(properties.id, sql.placeholder('id')), isNull(properties.deletedAt)))
    .prepare();
  const live = db.select().from(properties).where(isNull(properties.deletedAt)).prepare();
  const contact = db
    .select({ firstName: contacts.firstName, lastName: contacts.lastName })
    .from(contacts)
    .where(eq(contacts.id, sql.placeholder('id')))
    .prepare();
  const task = db
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.id, sql.placeholder('id')), isNull(tasks.deletedAt)))
    .prepare();
  const pending = sqlite.prepare(`SELECT count(*) AS n FROM local_outbox WHERE table_name = 'properties' AND row_id = ? AND status IN ('pending', 'acknowledged')`);

  const where = `p.deleted_at IS NULL AND (@search IS NULL OR p.address LIKE @search ESCAPE '\\' OR p.zipcode LIKE @search ESCAPE '\\'
    OR p.parcel_id LIKE @search ESCAPE '\\' OR (c.first_name || ' ' || c.last_name) LIKE @search ESCAPE '\\')`;
  const from = 'FROM properties p LEFT JOIN contacts c ON c.id = p.contact_id';
  const count = sqlite.prepare(`SELECT count(*) AS total ${from} WHERE ${where}`);
  const pages = Object.fromEntries(
    Object.entries(ORDER_BY).map(([sort, orderBy]) => [
      sort,
      sqlite.prepare(
        `SELECT p.id, p.address, p.zipcode, nullif(trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')), '') AS ownerName,
          p.bedrooms, p.bathrooms, p.sqft_living AS sqftLiving, p.yr_built AS yrBuilt, p.estimate, p.estimate_low AS estimateLow,
          p.estimate_high AS estimateHigh, p.estimate_confidence AS estimateConfidence, p.estimated_at AS estimatedAt
         ${from} WHERE ${where} ORDER BY ${orderBy} LIMIT @limit OFFSET @offset`,
      ),
    ]),
  ) as Record<PropertySort, ReturnType<typeof sqlite.prepare>>;

  return {
    list(input: { search?: string | undefined; sort: PropertySort; offset: number; limit: number }): OperationOutput<'listProperties'> {
      const search = input.search ? `%${escapeLike(input.search)}%` : null;
      const { total } = count.get({ search }) as { total: number };
      const items = pages[input.sort].all({ search, limit: input.limit, offset: input.offset }) as PropertySummary[];
      return { total, items };
    },
    property: (id: string): PropertyRow | null => byId.get({ id }) ?? null,
    liveProperties: (): PropertyRow[] => live.all(),
    owner(contactId: string | null): { contactId: string; name: string } | null {
      const row = contactId ? contact.get({ id: contactId }) : undefined;
      return row && contactId ? { contactId, name: `${row.firstName} ${row.lastName}`.trim() || 'Unnamed contact' } : null;
    },
    /** Local edits of the property still on their way to the server. */
    pendingChanges: (id: string): number => (pending.get(id) as { n: number }).n,
    /** Whether a live task has this id (a maintenance reminder already turned into a task). */
    taskExists: (id: string): boolean => task.get({ id }) !== undefined,
  };
}
