// Loads the demo: two brokerages and their people (demo-org.ts), 800 homeowner/lead contacts with
// their houses and six months of engagement events, and the full King County sales file as market
// data — all from resources/demo/ (see build-demo-resources.ts), never from ../shared.
//
// Idempotent: every id is a name-based UUID and every insert is ON CONFLICT DO NOTHING, in one
// transaction; a marker in server_settings makes later runs return at once. Running it twice
// changes nothing, and an interrupted first run leaves nothing behind.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { eq, inArray, ne } from 'drizzle-orm';
import {
  brokerages,
  contacts,
  events,
  marketSales,
  properties,
  serverIngestKeys,
  serverSettings,
  userCredentials,
  users,
} from '../../db/schema/pg.ts';
import type { ContactStage } from '../../db/schema/vocabulary.ts';
import { hashPassword, type ScryptParams } from '../auth/passwords.ts';
import { bulkInsertIgnoringConflicts } from '../bulk-insert.ts';
import { hashIngestKey } from '../ingest/ingest-keys.ts';
import type { ServerDb } from '../database.ts';
import { synthesizeAddress } from './addresses.ts';
import { demoId } from './deterministic-id.ts';
import {
  brokerageOfDatasetAgent,
  DEMO_BROKERAGES,
  DEMO_USERS,
  demoAgentOfDatasetAgent,
  type DemoBrokerageKey,
} from './demo-org.ts';

export const DEMO_RESOURCES_DIR = fileURLToPath(new URL('../../resources/demo/', import.meta.url));
/** Bump when the seed's content changes, so existing demo databases receive the additions. */
export const DEMO_SEED_VERSION = '1';
const MARKER_KEY = 'demo_seed_version';

export type SeedOptions = {
  resourcesDir?: string;
  /** Lower scrypt cost for tests; production hashes use the default. */
  passwordParams?: ScryptParams;
  /** Seed even when the marker says this version is already in (used to prove idempotency). */
  ignoreMarker?: boolean;
};

export type SeedSummary = {
  skipped: boolean;
  /** Rows inserted per table by this run (0 everywhere on a repeat run). */
  inserted: Record<'brokerages' | 'users' | 'userCredentials' | 'marketSales' | 'contacts' | 'properties' | 'events', number>;
};

type Tx = Parameters<Parameters<ServerDb['transaction']>[0]>[0];
type CsvRow = Record<string, string>;

export async function seedDemo(db: ServerDb, options: SeedOptions = {}): Promise<SeedSummary> {
  const inserted: SeedSummary['inserted'] = {
    brokerages: 0, users: 0, userCredentials: 0, marketSales: 0, contacts: 0, properties: 0, events: 0,
  };
  if (!options.ignoreMarker && (await markerVersion(db)) === DEMO_SEED_VERSION) return { skipped: true, inserted };

  const dir = options.resourcesDir ?? DEMO_RESOURCES_DIR;
  const [salesCsv, contactsCsv, eventsCsv, territoriesJson] = await Promise.all(
    ['kc_sales.csv', 'contacts.csv', 'events.csv', 'territories.json'].map((file) =>
      readFile(path.join(dir, file), 'utf8').catch((error: unknown) => {
        throw new Error(
          `Demo data file ${path.join(dir, file)} is missing or unreadable (${String(error)}). ` +
            'Reinstall, or regenerate it with sync-server/demo/build-demo-resources.ts.',
          { cause: error },
        );
      }),
    ),
  );
  const territories = parseTerritories(territoriesJson!);

  // Hash outside the transaction (scrypt is slow) and only for accounts that have no credentials yet.
  const passwordHashes = await hashMissingPasswords(db, options.passwordParams);

  await db.transaction(async (tx) => {
    inserted.brokerages = await bulkInsertIgnoringConflicts(tx, brokerages, demoBrokerageRows());
    inserted.users = await bulkInsertIgnoringConflicts(tx, users, demoUserRows(territories));
    await bulkInsertIgnoringConflicts(tx, serverIngestKeys, demoIngestKeyRows());
    // A demo email may already belong to an account with another id; credentials and assignments
    // then follow the existing account rather than failing on a foreign key.
    const idByEmail = await userIdsByEmail(tx);
    inserted.userCredentials = await bulkInsertIgnoringConflicts(
      tx,
      userCredentials,
      [...passwordHashes].flatMap(([email, passwordHash]) => {
        const userId = idByEmail.get(email);
        return userId ? [{ userId, passwordHash }] : [];
      }),
    );

    const sales = parseCsv(salesCsv!);
    inserted.marketSales = await bulkInsertIgnoringConflicts(tx, marketSales, marketSaleRows(sales));
    const latestSaleByParcel = latestSales(sales);

    const contactRows = parseCsv(contactsCsv!);
    const contactValues = [];
    const propertyValues = [];
    const brokerageByContact = new Map<string, string>();
    for (const c of contactRows) {
      const brokerage = brokerageOfDatasetAgent(c.agent_id ?? '');
      if (!brokerage) continue; // an agent id the demo does not know: the contact is not part of the demo
      const contactId = demoId('contact', c.contact_id!);
      brokerageByContact.set(c.contact_id!, brokerage.id);
      const agent = demoAgentOfDatasetAgent(c.agent_id!);
      const isOwner = c.is_owner === '1';
      contactValues.push({
        id: contactId,
        brokerageId: brokerage.id,
        // About one contact in ten waits in the manager's unassigned queue.
        assignedAgentId: isUnassigned(c.contact_id!) || !agent ? null : (idByEmail.get(agent.email) ?? null),
        externalId: c.contact_id!,
        firstName: c.first_name ?? '',
        lastName: c.last_name ?? '',
        email: c.email || null,
        phone: c.phone || null,
        stage: stageOf(c.source ?? ''),
        tags: [isOwner ? 'homeowner' : 'non-owner'], // shown as they are, beside the zip code
        source: c.source || null,
        zipcode: c.zipcode || null,
        householdSize: int(c.household_size),
        ageBand: c.owner_age_band || null,
      });
      if (isOwner && c.parcel_id) {
        const sale = latestSaleByParcel.get(c.parcel_id);
        const lat = num(c.lat);
        const lng = num(c.lng);
        propertyValues.push({
          id: demoId('property', c.contact_id!),
          brokerageId: brokerage.id,
          contactId,
          parcelId: c.parcel_id,
          address: synthesizeAddress({ key: c.parcel_id, zipcode: c.zipcode ?? '', lat, lng }),
          zipcode: c.zipcode || null,
          lat,
          lng,
          bedrooms: int(c.bedrooms),
          bathrooms: num(c.bathrooms),
          sqftLiving: int(c.sqft_living),
          sqftLot: int(sale?.sqft_lot),
          floors: num(sale?.floors),
          waterfront: sale?.waterfront === '1',
          view: int(sale?.view),
          condition: int(sale?.condition),
          grade: int(c.grade),
          yrBuilt: int(c.yr_built),
          yrRenovated: renovationYear(sale?.yr_renovated),
          purchaseDate: c.purchase_date || null,
          purchasePrice: num(c.purchase_price),
          loanOriginal: num(c.loan_original),
          loanRate: num(c.loan_rate),
          loanTermYears: int(c.loan_term_years),
        });
      }
    }
    inserted.contacts = await bulkInsertIgnoringConflicts(tx, contacts, contactValues);
    inserted.properties = await bulkInsertIgnoringConflicts(tx, properties, propertyValues);

    const eventValues = parseCsv(eventsCsv!).flatMap((e) => {
      const brokerageId = brokerageByContact.get(e.contact_id ?? '');
      if (!brokerageId) return [];
      return [
        {
          id: demoId('event', e.event_id!),
          brokerageId,
          contactId: demoId('contact', e.contact_id!),
          type: e.type!,
          occurredAt: e.occurred_at!,
          props: e.props ? (JSON.parse(e.props) as Record<string, unknown>) : {},
          source: 'demo',
        },
      ];
    });
    inserted.events = await bulkInsertIgnoringConflicts(tx, events, eventValues);

    await tx
      .insert(serverSettings)
      .values({ key: MARKER_KEY, value: DEMO_SEED_VERSION })
      .onConflictDoUpdate({
        target: serverSettings.key,
        set: { value: DEMO_SEED_VERSION, updatedAt: new Date().toISOString() },
        // A repeat run of the same version must not even touch the marker's timestamp.
        setWhere: ne(serverSettings.value, DEMO_SEED_VERSION),
      });
  });
  return { skipped: false, inserted };
}

/**
 * Only the brokerages and the seven demo accounts (with passwords): what sign-in tests need, in a
 * fraction of the time of the full seed. Idempotent like seedDemo.
 */
export async function seedDemoAccounts(db: ServerDb, options: Pick<SeedOptions, 'passwordParams' | 'resourcesDir'> = {}): Promise<void> {
  const file = path.join(options.resourcesDir ?? DEMO_RESOURCES_DIR, 'territories.json');
  const territories = parseTerritories(await readFile(file, 'utf8'));
  const passwordHashes = await hashMissingPasswords(db, options.passwordParams);
  await db.transaction(async (tx) => {
    await bulkInsertIgnoringConflicts(tx, brokerages, demoBrokerageRows());
    await bulkInsertIgnoringConflicts(tx, users, demoUserRows(territories));
    await bulkInsertIgnoringConflicts(tx, serverIngestKeys, demoIngestKeyRows());
    const idByEmail = await userIdsByEmail(tx);
    await bulkInsertIgnoringConflicts(
      tx,
      userCredentials,
      [...passwordHashes].flatMap(([email, passwordHash]) => {
        const userId = idByEmail.get(email);
        return userId ? [{ userId, passwordHash }] : [];
      }),
    );
  });
}

/** The documented demo ingestion keys: `demo-ingest-<brokerage key>` (e.g. demo-ingest-cascade). */
function demoIngestKeyRows(): (typeof serverIngestKeys.$inferInsert)[] {
  return DEMO_BROKERAGES.map((b) => ({ id: demoId('ingest-key', b.key), brokerageId: b.id, keyHash: hashIngestKey(`demo-ingest-${b.key}`), label: 'Demo ingestion key' }));
}

function demoBrokerageRows(): (typeof brokerages.$inferInsert)[] {
  return DEMO_BROKERAGES.map((b) => ({ id: b.id, name: b.name, postalAddress: b.postalAddress }));
}

function demoUserRows(territories: Record<string, string[]>): (typeof users.$inferInsert)[] {
  return DEMO_USERS.map((u) => ({
    id: u.id,
    brokerageId: u.brokerage ? brokerageIdOf(u.brokerage) : null,
    email: u.email,
    name: u.name,
    role: u.role,
    // An agent's territory: the ZIP codes of the data-set agents they stand in for.
    territories: [...new Set(u.datasetAgents.flatMap((a) => territories[a] ?? []))].sort(),
  }));
}

function parseTerritories(json: string): Record<string, string[]> {
  return (JSON.parse(json) as { byDatasetAgent: Record<string, string[]> }).byDatasetAgent;
}

async function markerVersion(db: ServerDb): Promise<string | undefined> {
  const [row] = await db.select({ value: serverSettings.value }).from(serverSettings).where(eq(serverSettings.key, MARKER_KEY));
  return row?.value;
}

async function hashMissingPasswords(db: ServerDb, params: ScryptParams | undefined): Promise<Map<string, string>> {
  const existing = await db
    .select({ email: users.email })
    .from(users)
    .innerJoin(userCredentials, eq(userCredentials.userId, users.id))
    .where(inArray(users.email, DEMO_USERS.map((u) => u.email)));
  const done = new Set(existing.map((r) => r.email));
  const missing = DEMO_USERS.filter((u) => !done.has(u.email));
  const hashes = await Promise.all(missing.map((u) => hashPassword(u.password, params)));
  return new Map(missing.map((u, i) => [u.email, hashes[i]!]));
}

async function userIdsByEmail(tx: Tx): Promise<Map<string, string>> {
  const rows = await tx.select({ id: users.id, email: users.email }).from(users).where(inArray(users.email, DEMO_USERS.map((u) => u.email)));
  return new Map(rows.map((r) => [r.email, r.id]));
}

function marketSaleRows(rows: CsvRow[]) {
  return rows.map((s) => {
    const parcelId = normalizeParcelId(s.parcel_id!);
    return {
      id: demoId('market_sale', `${parcelId}:${s.sale_date}`),
      parcelId,
      saleDate: s.sale_date!,
      price: Number(s.price),
      bedrooms: int(s.bedrooms),
      bathrooms: num(s.bathrooms),
      sqftLiving: int(s.sqft_living),
      sqftLot: int(s.sqft_lot),
      floors: num(s.floors),
      waterfront: s.waterfront === '1',
      view: int(s.view),
      condition: int(s.condition),
      grade: int(s.grade),
      sqftAbove: int(s.sqft_above),
      sqftBasement: int(s.sqft_basement),
      yrBuilt: int(s.yr_built),
      yrRenovated: renovationYear(s.yr_renovated),
      zipcode: s.zipcode || null,
      lat: Number(s.lat),
      lng: Number(s.lng),
      sqftLiving15: int(s.sqft_living15),
      sqftLot15: int(s.sqft_lot15),
    };
  });
}

/** Parcel (10-digit, as in contacts.csv) → its most recent sale row in the county file. */
function latestSales(rows: CsvRow[]): Map<string, CsvRow> {
  const byParcel = new Map<string, CsvRow>();
  for (const row of rows) {
    const parcelId = normalizeParcelId(row.parcel_id!);
    const seen = byParcel.get(parcelId);
    if (!seen || seen.sale_date! < row.sale_date!) byParcel.set(parcelId, row);
  }
  return byParcel;
}

/**
 * King County parcel numbers are 10 digits; the sales file lost the leading zeros of about one in ten
 * (it went through a numeric column upstream). contacts.csv keeps them, so pad to join the two.
 */
export function normalizeParcelId(raw: string): string {
  const trimmed = raw.trim();
  return /^\d{1,10}$/.test(trimmed) ? trimmed.padStart(10, '0') : trimmed;
}

function stageOf(source: string): ContactStage {
  switch (source) {
    case 'past_client':
      return 'past_client';
    case 'referral':
      return 'sphere';
    case 'open_house':
      return 'prospect';
    default:
      return 'lead';
  }
}

function isUnassigned(datasetContactId: string): boolean {
  return Number(datasetContactId.replace(/\D/g, '')) % 10 === 7;
}

function brokerageIdOf(key: DemoBrokerageKey): string {
  return DEMO_BROKERAGES.find((b) => b.key === key)!.id;
}

/** The county file writes 0 for "never renovated"; the schema says that with null. */
function renovationYear(value: string | undefined): number | null {
  const year = int(value);
  return year ? year : null;
}

function parseCsv(text: string): CsvRow[] {
  return parse(text, { columns: true, skip_empty_lines: true }) as CsvRow[];
}

function num(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function int(value: string | undefined): number | null {
  const n = num(value);
  return n === null ? null : Math.round(n);
}
