// Deterministic "product-target scale" data for benchmarks: 50k contacts, 50k properties, 1M events and
// 20k alerts across 2 brokerages, written straight into a freshly migrated replica (the same
// openLocalStore path the app uses, so the bench measures the real schema and indexes).
//
// Generation takes ~15-20 s, so the file is cached under bench/.cache/, keyed by generator version,
// migration set, scale and seed; a re-run with the same key reuses it at once.
// Bump SCALE_DATA_VERSION whenever the generated content changes.
import type Database from 'better-sqlite3';
import { getTableColumns, getTableName } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SQLITE_MIGRATIONS_DIR } from '../db/migrate/sqlite.ts';
import * as schema from '../db/schema/sqlite.ts';
import {
  ALERT_STATUSES,
  CONTACT_STAGES,
  EVENT_TYPES,
  INTENT_TYPES,
  type AlertPriority,
  type AlertStatus,
  type EventType,
  type IntentType,
} from '../db/schema/vocabulary.ts';
import { openLocalStore } from '../electron/store/local-store.ts';
import { createCategorical, createRng, createWeightedSampler, type Rng } from './prng.ts';

export const SCALE_DATA_VERSION = 1;
export const DEFAULT_SEED = 20_240_601;
export const DEFAULT_CACHE_DIR = fileURLToPath(new URL('./.cache', import.meta.url));

/** Row counts at scale 1 — the sizes the product's local-query targets are stated for. */
export const BASE_COUNTS = {
  brokerages: 2,
  agentsPerBrokerage: 5,
  contacts: 50_000,
  properties: 50_000,
  events: 1_000_000,
  alerts: 20_000,
} as const;

/** Row counts at scale 1 that differ from BASE_COUNTS (a benchmark stated for another shape of data). */
export type DatasetShape = Partial<Record<'contacts' | 'properties' | 'events' | 'alerts', number>>;

export type ScaleDataOptions = {
  /** Multiplies every row count (1 = product-target sizes; tests use 0.01). */
  scale?: number;
  shape?: DatasetShape;
  seed?: number;
  cacheDir?: string;
  log?: (line: string) => void;
};

export type ScaleDataSummary = {
  version: number;
  scale: number;
  seed: number;
  brokerageIds: string[];
  /** Agents (role 'agent') per brokerage id — benchmarks filter the inbox by them. */
  agentIdsByBrokerage: Record<string, string[]>;
  counts: { brokerages: number; users: number; contacts: number; deletedContacts: number; properties: number; events: number; alerts: number };
  generationMs: number;
};

export type ScaleDataset = { file: string; summary: ScaleDataSummary; cached: boolean };

// The dataset's "now": fixed, so the data never depends on the day it is generated.
const DATASET_END_MS = Date.UTC(2026, 0, 1);
const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;

/**
 * Calibrated probability → priority. The scoring service will own the real thresholds; the bench only
 * needs the same shape (higher probability, higher priority; alerts start at 0.5).
 */
export function priorityForProbability(probability: number): AlertPriority {
  if (probability >= 0.9) return 'CRITICAL';
  if (probability >= 0.8) return 'HIGH';
  if (probability >= 0.65) return 'MEDIUM';
  return 'LOW';
}

// ---------------------------------------------------------------------------------------------------
// Cache

/** Identifies the migration set, so a schema change (e.g. a new index) regenerates instead of migrating a stale cache. */
function migrationsFingerprint(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (!entry.name.endsWith('_snapshot.json')) hash.update(entry.name).update(readFileSync(full));
    }
  };
  walk(SQLITE_MIGRATIONS_DIR);
  return hash.digest('hex').slice(0, 10);
}

const shapeKey = (shape: DatasetShape = {}) =>
  (['contacts', 'properties', 'events', 'alerts'] as const)
    .filter((name) => shape[name] !== undefined && shape[name] !== BASE_COUNTS[name])
    .map((name) => `-${name[0]}${shape[name]}`)
    .join('');

export function scaleDataFile(options: Pick<ScaleDataOptions, 'scale' | 'seed' | 'cacheDir' | 'shape'> = {}): string {
  const scale = options.scale ?? 1;
  const seed = options.seed ?? DEFAULT_SEED;
  const dir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  return path.join(dir, `scale-v${SCALE_DATA_VERSION}-${migrationsFingerprint()}-x${scale}-s${seed}${shapeKey(options.shape)}.sqlite`);
}

/**
 * Returns the cached dataset for these options, generating it first if needed. The returned file is the
 * pristine cache: benchmarks must work on a copy if they write.
 */
export function ensureScaleData(options: ScaleDataOptions = {}): ScaleDataset {
  const file = scaleDataFile(options);
  const summaryFile = `${file}.json`;
  if (existsSync(file) && existsSync(summaryFile)) {
    return { file, summary: JSON.parse(readFileSync(summaryFile, 'utf8')) as ScaleDataSummary, cached: true };
  }
  mkdirSync(path.dirname(file), { recursive: true });
  // Generate under a private name and rename at the end: an interrupted run (or a parallel one) never
  // leaves a half-written file under the cache key.
  const tmp = `${file}.tmp-${process.pid}`;
  removeDatabaseFiles(tmp);
  try {
    const summary = generateScaleData(tmp, options);
    renameSync(tmp, file);
    writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
    return { file, summary, cached: false };
  } finally {
    removeDatabaseFiles(tmp);
  }
}

export function removeDatabaseFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
}

// ---------------------------------------------------------------------------------------------------
// Generation

type SqlValue = string | number | null;
type ColumnKey<T extends SQLiteTable> = keyof T['_']['columns'] & string;

/**
 * A prepared INSERT over the listed columns, named by their drizzle property keys, so a renamed or
 * removed column is a type error here rather than a silently wrong bench. Values are driver values
 * (JSON already stringified, booleans as 0/1).
 */
function inserter<T extends SQLiteTable>(sqlite: Database.Database, table: T, keys: readonly ColumnKey<T>[]): (values: SqlValue[]) => void {
  const columns = getTableColumns(table) as Record<string, { name: string }>;
  const names = keys.map((key) => {
    const column = columns[key];
    if (!column) throw new Error(`Unknown column ${key}`);
    return `"${column.name}"`;
  });
  const statement = sqlite.prepare(`INSERT INTO "${getTableName(table)}" (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`);
  return (values) => {
    statement.run(values);
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

const FIRST_NAMES = ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Wei', 'Priya', 'Carlos', 'Sofia', 'Hiroshi', 'Aisha', 'Nguyen', 'Olga', 'Mateo', 'Fatima', 'Liam', 'Emma', 'Noah', 'Olivia', 'Ethan', 'Ava', 'Arjun', 'Mei', 'Diego', 'Chloe', 'Omar', 'Grace'] as const;
const LAST_NAMES = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Nguyen', 'Kim', 'Chen', 'Patel', 'Yamamoto', 'Olsen', 'Larsen', 'Kowalski', 'Okafor', 'Haddad', 'Svensson', 'Novak', 'Rossi', 'Dubois', 'Schmidt', 'Ivanova', 'Singh', 'Park', 'Wong', 'Berg'] as const;
const STREETS = ['Pine', 'Cedar', 'Madison', 'Union', 'Spring', 'Aurora', 'Rainier', 'Lake Washington', 'Greenwood', 'Fremont', 'Ballard', 'Beacon', 'Alki', 'Meridian', 'Roosevelt', 'Stone', 'Dexter', 'Queen Anne', 'Magnolia', 'Wallingford', 'Kent-Kangley', 'Issaquah-Hobart', 'Novelty Hill', 'Redmond-Fall City', 'Juanita', 'Lakemont', 'Coal Creek', 'Benson', 'Military', 'Des Moines'] as const;
const STREET_KINDS = ['St', 'Ave', 'Way', 'Pl', 'Dr', 'Rd', 'Ln', 'Ct'] as const;
const DIRECTIONS = ['', 'NE ', 'NW ', 'SE ', 'SW ', 'N ', 'S '] as const;
const CITIES_OUTSIDE_SEATTLE = ['Auburn', 'Bellevue', 'Kent', 'Kirkland', 'Redmond', 'Renton', 'Federal Way', 'Issaquah', 'Sammamish', 'Bothell', 'Burien', 'Des Moines', 'Maple Valley', 'Woodinville', 'Shoreline', 'Enumclaw'] as const;
const SOURCES = ['website', 'open_house', 'referral', 'past_client', 'zillow', 'import', 'sphere'] as const;
const AGE_BANDS = ['18-24', '25-34', '35-44', '45-54', '55-64', '65+'] as const;
const TAGS = ['vip', 'first-time-buyer', 'investor', 'downsizing', 'relocation', 'newsletter', 'veteran', 'luxury'] as const;

// Relative frequencies: opens and logins dominate real engagement streams; high-intent actions are rarer.
const EVENT_TYPE_WEIGHTS: readonly (readonly [EventType, number])[] = [
  ['email_opened', 30],
  ['login', 14],
  ['email_clicked', 10],
  ['home_value_checked', 9],
  ['document_viewed', 8],
  ['market_report_viewed', 7],
  ['home_search', 7],
  ['comparables_viewed', 5],
  ['calculator_used', 4],
  ['document_downloaded', 3],
  ['profile_updated', 2],
  ['document_shared', 1],
];
const INTENT_WEIGHTS: readonly (readonly [IntentType, number])[] = [
  ['sell', 35],
  ['refinance', 30],
  ['buy', 20],
  ['investment', 15],
];
// Most alerts sit unworked in an inbox; a minority have been acted on.
const STATUS_WEIGHTS: readonly (readonly [AlertStatus, number])[] = [
  ['new', 55],
  ['viewed', 25],
  ['contacted', 8],
  ['dismissed', 7],
  ['converted', 3],
  ['snoozed', 2],
];
const REASONS: Record<IntentType, readonly string[]> = {
  sell: ['Checked home value 4 times in 30 days', 'Viewed comparable sales nearby', 'Downloaded seller guide', 'Owned home 9+ years', 'High equity'],
  buy: ['Searched homes in 3 zip codes', 'Used the mortgage calculator', 'Viewed market report', 'Updated household size'],
  refinance: ['Loan rate above market', 'Used refinance calculator', 'Opened rate-drop email', 'Equity above 30%'],
  investment: ['Viewed rental comparables', 'Searched multi-family homes', 'Downloaded investment report', 'Owns 2+ properties'],
};

// Sanity: the weights above cover exactly the shared vocabularies (a new type must get a weight here).
for (const [list, weights] of [
  [EVENT_TYPES, EVENT_TYPE_WEIGHTS],
  [INTENT_TYPES, INTENT_WEIGHTS],
  [ALERT_STATUSES, STATUS_WEIGHTS],
] as const) {
  const covered = new Set(weights.map(([value]) => value as string));
  if (list.length !== covered.size || list.some((value) => !covered.has(value))) throw new Error('bench/scale-data.ts: weights out of date with vocabulary.ts');
}

type Zip = { code: string; lat: number; lng: number; pricePerSqft: number; city: string };

/** King County-like zip centroids: 981xx clustered in Seattle, 980xx spread over the rest of the county. */
function makeZips(rng: Rng): Zip[] {
  const zips: Zip[] = [];
  for (let code = 98001; code <= 98199; code++) {
    const seattle = code >= 98101;
    zips.push({
      code: String(code),
      lat: seattle ? 47.5 + rng.next() * 0.23 : 47.2 + rng.next() * 0.58,
      lng: seattle ? -122.42 + rng.next() * 0.17 : -122.35 + rng.next() * 0.6,
      pricePerSqft: seattle ? 450 + rng.next() * 350 : 250 + rng.next() * 300,
      city: seattle ? 'Seattle' : rng.pick(CITIES_OUTSIDE_SEATTLE),
    });
  }
  return zips;
}

/** Fisher–Yates: deterministic for a given seed on every engine (unlike sort with a random comparator). */
function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

const scaled = (base: number, scale: number, min: number) => Math.max(min, Math.round(base * scale));

/** Writes the dataset into `file` (which must not exist yet) and returns what it wrote. */
export function generateScaleData(file: string, options: Pick<ScaleDataOptions, 'scale' | 'seed' | 'log' | 'shape'> = {}): ScaleDataSummary {
  const scale = options.scale ?? 1;
  const seed = options.seed ?? DEFAULT_SEED;
  const log = options.log ?? (() => {});
  if (!(scale > 0 && scale <= 10)) throw new Error(`Scale must be in (0, 10], got ${scale}`);
  if (existsSync(file)) throw new Error(`Refusing to generate into an existing file: ${file}`);
  const started = performance.now();
  const rng = createRng(seed);

  const counts = {
    contacts: scaled(options.shape?.contacts ?? BASE_COUNTS.contacts, scale, 20),
    properties: scaled(options.shape?.properties ?? BASE_COUNTS.properties, scale, 20),
    events: scaled(options.shape?.events ?? BASE_COUNTS.events, scale, 100),
    alerts: scaled(options.shape?.alerts ?? BASE_COUNTS.alerts, scale, 20),
  };
  // Alerts are unique per (contact, intent type).
  counts.alerts = Math.min(counts.alerts, counts.contacts * INTENT_TYPES.length);

  const store = openLocalStore(file);
  const { sqlite } = store;
  try {
    // A throwaway file: trade durability for speed while bulk loading, and keep the B-trees in cache.
    sqlite.pragma('synchronous = OFF');
    sqlite.pragma('cache_size = -524288'); // 512 MiB
    sqlite.pragma('temp_store = MEMORY');
    const inTransaction = (label: string, work: () => void) => {
      const t0 = performance.now();
      sqlite.transaction(work)();
      log(`  ${label} in ${Math.round(performance.now() - t0)} ms`);
    };

    // ---- Brokerages and users -------------------------------------------------------------------
    const brokerageIds: string[] = [];
    const agentIdsByBrokerage: Record<string, string[]> = {};
    let userCount = 0;
    inTransaction('brokerages + users', () => {
      const insertBrokerage = inserter(sqlite, schema.brokerages, ['id', 'name', 'postalAddress', 'createdAt', 'updatedAt']);
      const insertUser = inserter(sqlite, schema.users, ['id', 'brokerageId', 'email', 'name', 'role', 'territories', 'createdAt', 'updatedAt']);
      const created = iso(DATASET_END_MS - 3 * YEAR_MS);
      for (let b = 0; b < BASE_COUNTS.brokerages; b++) {
        const id = rng.uuid();
        brokerageIds.push(id);
        agentIdsByBrokerage[id] = [];
        insertBrokerage([id, b === 0 ? 'Evergreen Realty' : 'Sound Homes Group', `${100 + b} Pine St, Seattle, WA 98101`, created, created]);
        for (let u = 0; u <= BASE_COUNTS.agentsPerBrokerage; u++) {
          const userId = rng.uuid();
          const role = u === 0 ? 'manager' : 'agent';
          if (role === 'agent') agentIdsByBrokerage[id]!.push(userId);
          const name = `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
          insertUser([userId, id, `user${b}.${u}@brokerage${b}.example`, name, role, '[]', created, created]);
          userCount++;
        }
      }
    });

    // ---- Contacts -------------------------------------------------------------------------------
    const zips = makeZips(rng);
    const zipWeights = zips.map((zip) => (zip.city === 'Seattle' ? 3 : 1));
    const sampleZip = createWeightedSampler(zipWeights, rng);
    const contactIds: string[] = new Array<string>(counts.contacts);
    const contactBrokerage = new Uint8Array(counts.contacts);
    const contactAgent: (string | null)[] = new Array<string | null>(counts.contacts);
    const contactZip = new Uint16Array(counts.contacts);
    // Engagement is heavy-tailed: a few contacts generate most events, ~15% generate none.
    const activity = new Float64Array(counts.contacts);
    // Each contact has a moment of interest; a share of its events cluster in the weeks before it.
    const burstAt = new Float64Array(counts.contacts);
    let deletedContacts = 0;
    inTransaction(`${counts.contacts} contacts`, () => {
      const insertContact = inserter(sqlite, schema.contacts, [
        'id', 'brokerageId', 'assignedAgentId', 'externalId', 'firstName', 'lastName', 'email', 'phone', 'stage', 'tags',
        'source', 'zipcode', 'householdSize', 'ageBand', 'createdAt', 'updatedAt', 'deletedAt',
      ]);
      for (let i = 0; i < counts.contacts; i++) {
        const id = rng.uuid();
        contactIds[i] = id;
        const b = rng.chance(0.7) ? 0 : 1; // one larger and one smaller brokerage
        contactBrokerage[i] = b;
        const agent = rng.chance(0.9) ? rng.pick(agentIdsByBrokerage[brokerageIds[b]!]!) : null;
        contactAgent[i] = agent;
        const zip = sampleZip();
        contactZip[i] = zip;
        activity[i] = rng.chance(0.15) ? 0 : rng.logNormal(0, 1.2);
        burstAt[i] = DATASET_END_MS - rng.next() * 2 * YEAR_MS;
        const first = rng.pick(FIRST_NAMES);
        const last = rng.pick(LAST_NAMES);
        const createdMs = DATASET_END_MS - rng.next() * 5 * YEAR_MS;
        const deleted = rng.chance(0.015);
        if (deleted) deletedContacts++;
        const tags = rng.chance(0.4) ? JSON.stringify([rng.pick(TAGS)]) : '[]';
        insertContact([
          id, brokerageIds[b]!, agent, rng.chance(0.3) ? `crm-${100000 + i}` : null, first, last,
          rng.chance(0.92) ? `${first}.${last}.${i}@mail.example`.toLowerCase() : null,
          rng.chance(0.8) ? `+1206${String(rng.int(0, 9_999_999)).padStart(7, '0')}` : null,
          rng.pick(CONTACT_STAGES), tags, rng.pick(SOURCES), zips[zip]!.code, rng.int(1, 6), rng.pick(AGE_BANDS),
          iso(createdMs), iso(createdMs + rng.next() * (DATASET_END_MS - createdMs)),
          deleted ? iso(DATASET_END_MS - rng.next() * YEAR_MS) : null,
        ]);
      }
    });

    // ---- Properties -----------------------------------------------------------------------------
    // Property i belongs to contact i (homeowners); the ~8% unlinked ones are prospects' targets.
    const propertyIds: (string | null)[] = new Array<string | null>(counts.contacts).fill(null);
    inTransaction(`${counts.properties} properties`, () => {
      const insertProperty = inserter(sqlite, schema.properties, [
        'id', 'brokerageId', 'contactId', 'parcelId', 'address', 'zipcode', 'lat', 'lng', 'bedrooms', 'bathrooms', 'sqftLiving',
        'sqftLot', 'floors', 'waterfront', 'view', 'condition', 'grade', 'yrBuilt', 'yrRenovated', 'purchaseDate', 'purchasePrice',
        'loanOriginal', 'loanRate', 'loanTermYears', 'estimate', 'estimateLow', 'estimateHigh', 'estimateConfidence', 'estimatedAt',
        'createdAt', 'updatedAt',
      ]);
      for (let i = 0; i < counts.properties; i++) {
        const id = rng.uuid();
        const owner = i < counts.contacts && rng.chance(0.92) ? i : -1;
        if (owner >= 0) propertyIds[owner] = id;
        const zip = zips[owner >= 0 ? contactZip[owner]! : sampleZip()]!;
        const brokerage = brokerageIds[owner >= 0 ? contactBrokerage[owner]! : rng.int(0, brokerageIds.length - 1)]!;
        const sqftLiving = Math.round(clamp(rng.logNormal(Math.log(1900), 0.42), 400, 12_000));
        const bedrooms = clamp(Math.round(sqftLiving / 650 + rng.normal() * 0.7), 1, 8);
        const bathrooms = clamp(Math.round((sqftLiving / 900 + rng.normal() * 0.4) * 4) / 4, 0.75, 6);
        const grade = clamp(Math.round(7 + (sqftLiving - 1900) / 900 + rng.normal() * 0.8), 3, 13);
        const condition = clamp(Math.round(3 + rng.normal() * 0.7), 1, 5);
        const waterfront = rng.chance(0.007);
        const view = waterfront ? rng.int(2, 4) : rng.chance(0.9) ? 0 : rng.int(1, 4);
        const yrBuilt = clamp(Math.round(1975 + rng.normal() * 28), 1900, 2015);
        const yrRenovated = yrBuilt < 1990 && rng.chance(0.1) ? rng.int(Math.max(yrBuilt + 10, 1960), 2015) : 0;
        const value =
          zip.pricePerSqft * sqftLiving * (1 + (grade - 7) * 0.09) * (1 + (condition - 3) * 0.04) * (waterfront ? 1.9 : 1) * (1 + view * 0.06) * rng.logNormal(0, 0.12);
        const purchaseMs = DATASET_END_MS - rng.next() * 25 * YEAR_MS;
        const yearsAgo = (DATASET_END_MS - purchaseMs) / YEAR_MS;
        const purchasePrice = Math.round(value / 1.055 ** yearsAgo / 1000) * 1000; // ~5.5%/yr appreciation
        const financed = rng.chance(0.8);
        const confidence = rng.int(55, 95);
        const spread = (100 - confidence) / 200 + 0.03;
        const createdMs = DATASET_END_MS - rng.next() * 3 * YEAR_MS;
        const latLng = [round(zip.lat + rng.normal() * 0.012, 6), round(zip.lng + rng.normal() * 0.016, 6)];
        insertProperty([
          id, brokerage, owner >= 0 ? contactIds[owner]! : null, `${rng.int(100000, 999999)}${rng.int(1000, 9999)}`,
          `${rng.int(100, 39999)} ${rng.pick(DIRECTIONS)}${rng.pick(STREETS)} ${rng.pick(STREET_KINDS)}, ${zip.city}, WA ${zip.code}`,
          zip.code, latLng[0]!, latLng[1]!, bedrooms, bathrooms, sqftLiving, Math.round(clamp(rng.logNormal(Math.log(7500), 0.6), 800, 200_000)),
          rng.pick([1, 1, 1, 1.5, 2, 2, 2, 3]), waterfront ? 1 : 0, view, condition, grade, yrBuilt, yrRenovated,
          iso(purchaseMs).slice(0, 10), purchasePrice, financed ? Math.round(purchasePrice * (0.6 + rng.next() * 0.37)) : null,
          financed ? round(2.5 + rng.next() * 5, 3) : null, financed ? rng.pick([15, 30, 30, 30]) : null,
          Math.round(value), Math.round(value * (1 - spread)), Math.round(value * (1 + spread)), confidence,
          iso(DATASET_END_MS - rng.next() * 30 * DAY_MS), iso(createdMs), iso(createdMs),
        ]);
      }
    });

    // ---- Events ---------------------------------------------------------------------------------
    const sampleContact = createWeightedSampler(activity, rng);
    const sampleEventType = createCategorical(EVENT_TYPE_WEIGHTS, rng);
    inTransaction(`${counts.events} events`, () => {
      const insertEvent = inserter(sqlite, schema.events, ['id', 'brokerageId', 'contactId', 'type', 'occurredAt', 'props', 'source', 'createdAt']);
      for (let i = 0; i < counts.events; i++) {
        const c = sampleContact();
        // 65% spread over two years, 35% in the 45 days before the contact's moment of interest.
        const occurredMs = rng.chance(0.65) ? DATASET_END_MS - rng.next() * 2 * YEAR_MS : Math.min(DATASET_END_MS, burstAt[c]! - rng.next() * 45 * DAY_MS + DAY_MS);
        const type = sampleEventType();
        let props = '{}';
        if (type.startsWith('document_')) props = `{"documentId":"doc-${rng.int(1, 400)}"}`;
        else if (type.startsWith('email_')) props = `{"campaignId":"cmp-${rng.int(1, 120)}"}`;
        else if (type === 'home_search') props = `{"zipcode":"${rng.pick(zips).code}"}`;
        insertEvent([
          rng.uuid(), brokerageIds[contactBrokerage[c]!]!, contactIds[c]!, type, iso(occurredMs), props,
          rng.chance(0.85) ? 'api' : rng.chance(0.7) ? 'webhook' : 'csv', iso(occurredMs + rng.int(50, 5000)),
        ]);
      }
    });

    // ---- Alerts ---------------------------------------------------------------------------------
    // Alerted contacts lean towards the engaged ones, as the models would pick; one alert per (contact, type).
    const alertWeights = Float64Array.from(activity, (a) => a + 0.2);
    const sampleAlertContact = createWeightedSampler(alertWeights, rng);
    const sampleIntent = createCategorical(INTENT_WEIGHTS, rng);
    const sampleStatus = createCategorical(STATUS_WEIGHTS, rng);
    const taken = new Set<string>();
    inTransaction(`${counts.alerts} alerts`, () => {
      const insertAlert = inserter(sqlite, schema.alerts, [
        'id', 'brokerageId', 'contactId', 'propertyId', 'type', 'probability', 'priority', 'reasons', 'status', 'assignedAgentId',
        'snoozedUntil', 'firstContactedAt', 'modelVersion', 'createdAt', 'updatedAt',
      ]);
      let written = 0;
      while (written < counts.alerts) {
        const c = sampleAlertContact();
        const type = sampleIntent();
        const key = `${c}:${type}`;
        if (taken.has(key)) continue;
        taken.add(key);
        // More alerts near the 0.5 threshold than near certainty, as calibrated scores are distributed.
        const probability = round(0.5 + 0.49 * rng.next() ** 1.8, 4);
        const status = sampleStatus();
        const createdMs = DATASET_END_MS - rng.next() * 180 * DAY_MS;
        const reasons = shuffled(REASONS[type], rng).slice(0, rng.int(2, 3));
        insertAlert([
          rng.uuid(), brokerageIds[contactBrokerage[c]!]!, contactIds[c]!, propertyIds[c] ?? null, type, probability,
          priorityForProbability(probability), JSON.stringify(reasons.map((text) => ({ text }))), status, contactAgent[c] ?? null,
          status === 'snoozed' ? iso(DATASET_END_MS + rng.int(1, 30) * DAY_MS) : null,
          status === 'contacted' || status === 'converted' ? iso(createdMs + rng.next() * 5 * DAY_MS) : null,
          'bench-1', iso(createdMs), iso(createdMs),
        ]);
        written++;
      }
    });

    return {
      version: SCALE_DATA_VERSION,
      scale,
      seed,
      brokerageIds,
      agentIdsByBrokerage,
      counts: { brokerages: brokerageIds.length, users: userCount, contacts: counts.contacts, deletedContacts, properties: counts.properties, events: counts.events, alerts: counts.alerts },
      generationMs: Math.round(performance.now() - started),
    };
  } finally {
    store.close(); // leaves the whole dataset in the file itself: it is renamed and copied next
  }
}
