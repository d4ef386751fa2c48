// Global search over the local replica: contacts (name, email, phone, tags, zip), properties (address,
// zip, parcel) and notes (body) in one SQLite FTS5 index (db/migrations/sqlite/0006_search_index.sql);
// alerts are found through their contact. Every query word is a prefix ("smi" finds Smith); a word that
// is no prefix of any indexed word is taken as a typo and replaced by the indexed words within one edit
// (insert, delete, substitute, swap) of it, found through a symmetric-delete table, not by scanning.
//
// Keeping the index current — the choice and its measured cost. 50k contacts through the replica's own
// applyShapeBatch (1,000-row batches, in-memory replica, this shared 2-core machine; each variant set up
// by dropping or adding triggers on a migrated replica; two runs each):
//   no search triggers at all                         ≈ 8.3–9.5 µs/row
//   triggers appending every insert to a dirty log    ≈ 12.4–14.1 µs/row (+40–60%: rejected)
//   FTS5 insert inside the triggers                   ≈ 41–47 µs/row (×5: rejected; the sync target is ≥ 50k rows/s = 20 µs/row)
//   chosen: no insert trigger at all                  ≈ same as none (inserts are found by rowid, see the migration)
// Rows inserted by a sync are found after the batches as "rowid above the table's mark"; only UPDATEs of
// searchable columns and DELETEs (rare during a sync) log the record through a trigger. drain() then
// indexes ≈ 20–30k records/s (≈ 35–50 µs each) in bounded chunks the main process spreads over
// event-loop turns (createSearchIndexer: 500 records, ≈ 20 ms, per turn). A search first drains a little,
// so the user's own last edit is findable at once.
import type Database from 'better-sqlite3';

export type SearchHitKind = 'contact' | 'property' | 'note' | 'alert';

export type SearchHit = {
  kind: SearchHitKind;
  /** The record's id (contact, property, note or alert). */
  id: string;
  /** The contact the record belongs to, when there is one (the contact itself for contact hits). */
  contactId: string | null;
  title: string;
  subtitle: string;
};

type AnyDb = Database.Database | { $client: Database.Database };
const clientOf = (db: AnyDb): Database.Database => ('$client' in db ? db.$client : db);

// ---------------------------------------------------------------------------------------------------
// Words

/** The same words FTS5's unicode61 tokenizer (remove_diacritics 2) makes: lower case, no accents. */
export function searchWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

const TYPO_MIN_LENGTH = 4;
const isLetters = (word: string) => /^\p{L}+$/u.test(word);

/** The word itself and every one-letter deletion of it. */
export function deletions(word: string): string[] {
  const out = new Set([word]);
  const chars = [...word];
  for (let i = 0; i < chars.length; i++) out.add(chars.slice(0, i).join('') + chars.slice(i + 1).join(''));
  return [...out];
}

/** Optimal string alignment distance (Levenshtein plus adjacent swaps), stopping early above `max`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i, ...Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    let best = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = value;
      best = Math.min(best, value);
    }
    if (best > max) return max + 1;
  }
  return rows[a.length]![b.length]!;
}

// ---------------------------------------------------------------------------------------------------
// Documents

type Doc = { kind: 'contact' | 'property' | 'note'; ref: string; contactId: string | null; name: string; body: string };

const digitsOnly = (value: string | null) => (value ?? '').replace(/\D+/g, '');

// Prepared statements per connection: preparing costs more than running these one-row reads.
const statementCache = new WeakMap<Database.Database, Map<string, Database.Statement>>();
function prepared(sqlite: Database.Database, text: string): Database.Statement {
  let cache = statementCache.get(sqlite);
  if (!cache) statementCache.set(sqlite, (cache = new Map()));
  let statement = cache.get(text);
  if (!statement) cache.set(text, (statement = sqlite.prepare(text)));
  return statement;
}

function loadDoc(sqlite: Database.Database, kind: string, ref: string): Doc | null {
  if (kind === 'contact') {
    const row = prepared(sqlite, `SELECT first_name, last_name, email, phone, tags, zipcode, deleted_at FROM contacts WHERE id = ?`).get(ref) as
      | { first_name: string; last_name: string; email: string | null; phone: string | null; tags: string; zipcode: string | null; deleted_at: string | null }
      | undefined;
    if (!row || row.deleted_at) return null;
    let tags: string[] = [];
    try {
      const parsed = JSON.parse(row.tags) as unknown;
      if (Array.isArray(parsed)) tags = parsed.map(String);
    } catch {
      // a malformed tag list only costs its words in the index
    }
    // The phone also as one run of digits, so "2065550123" and "206 555" both find it.
    const phoneDigits = digitsOnly(row.phone);
    return {
      kind,
      ref,
      contactId: ref,
      name: `${row.first_name} ${row.last_name}`,
      body: [row.email ?? '', row.phone ?? '', phoneDigits, phoneDigits.length > 7 ? phoneDigits.slice(-7) : '', tags.join(' '), row.zipcode ?? ''].join(' '),
    };
  }
  if (kind === 'property') {
    const row = prepared(sqlite, `SELECT address, zipcode, parcel_id, contact_id, deleted_at FROM properties WHERE id = ?`).get(ref) as
      | { address: string; zipcode: string | null; parcel_id: string | null; contact_id: string | null; deleted_at: string | null }
      | undefined;
    if (!row || row.deleted_at) return null;
    return { kind, ref, contactId: row.contact_id, name: row.address, body: `${row.zipcode ?? ''} ${row.parcel_id ?? ''}` };
  }
  if (kind === 'note') {
    const row = prepared(sqlite, `SELECT body, contact_id, deleted_at FROM notes WHERE id = ?`).get(ref) as
      | { body: string; contact_id: string; deleted_at: string | null }
      | undefined;
    if (!row || row.deleted_at) return null;
    return { kind, ref, contactId: row.contact_id, name: '', body: row.body };
  }
  return null;
}

export type DrainResult = { indexed: number; remaining: number };

const INDEXED_TABLES = [
  { table: 'contacts', kind: 'contact' },
  { table: 'properties', kind: 'property' },
  { table: 'notes', kind: 'note' },
] as const;

/** (Re)writes one record's document, or removes it when the record is gone or soft-deleted. */
function indexRecord(sqlite: Database.Database, kind: string, ref: string): void {
  const existing = prepared(sqlite, `SELECT doc FROM local_search_keys WHERE kind = ? AND ref = ?`).pluck().get(kind, ref) as number | undefined;
  if (existing !== undefined) {
    prepared(sqlite, `DELETE FROM local_search WHERE rowid = ?`).run(existing);
    prepared(sqlite, `DELETE FROM local_search_keys WHERE kind = ? AND ref = ?`).run(kind, ref);
  }
  const doc = loadDoc(sqlite, kind, ref);
  if (!doc) return;
  const result = prepared(sqlite, `INSERT INTO local_search (kind, ref, contact_id, name, body) VALUES (?, ?, ?, ?, ?)`).run(doc.kind, doc.ref, doc.contactId, doc.name, doc.body);
  prepared(sqlite, `INSERT INTO local_search_keys (kind, ref, doc) VALUES (?, ?, ?)`).run(kind, ref, Number(result.lastInsertRowid));
  const knownTerm = prepared(sqlite, `SELECT 1 FROM local_search_terms WHERE term = ?`).pluck();
  // Note bodies are prose: their words are prefix-searchable but not typo-corrected, which keeps the
  // variant table to the vocabulary of names, streets, emails and tags.
  for (const word of new Set(searchWords(kind === 'note' ? doc.body : `${doc.name} ${doc.body}`))) {
    if (word.length < 3 || !isLetters(word) || knownTerm.get(word)) continue;
    prepared(sqlite, `INSERT OR IGNORE INTO local_search_terms (term) VALUES (?)`).run(word);
    if (kind !== 'note' && word.length >= TYPO_MIN_LENGTH) {
      for (const variant of deletions(word)) prepared(sqlite, `INSERT OR IGNORE INTO local_search_variants (variant, term) VALUES (?, ?)`).run(variant, word);
    }
  }
}

/**
 * Folds up to `limit` changed records into the index, in one transaction: first the logged updates and
 * deletes, then rows inserted since the last run (rowid above the table's mark). Returns how many were
 * processed and how many are still waiting.
 */
export function drainSearchIndex(db: AnyDb, limit = 2000): DrainResult {
  const sqlite = clientOf(db);
  const run = sqlite.transaction((): DrainResult => {
    let budget = limit;
    const dirty = prepared(sqlite, `SELECT seq, kind, ref FROM local_search_dirty ORDER BY seq LIMIT ?`).all(budget) as { seq: number; kind: string; ref: string }[];
    if (dirty.length > 0) {
      // The log is append-only (cheapest for the triggers): a record changed twice is indexed once.
      const records = new Map(dirty.map((entry) => [`${entry.kind}\u0000${entry.ref}`, entry]));
      for (const { kind, ref } of records.values()) indexRecord(sqlite, kind, ref);
      prepared(sqlite, `DELETE FROM local_search_dirty WHERE seq <= ?`).run(dirty[dirty.length - 1]!.seq);
      budget -= dirty.length;
    }
    let remaining = prepared(sqlite, `SELECT count(*) FROM local_search_dirty`).pluck().get() as number;
    for (const { table, kind } of INDEXED_TABLES) {
      const mark = (prepared(sqlite, `SELECT last_rowid FROM local_search_marks WHERE table_name = ?`).pluck().get(table) as number | undefined) ?? 0;
      if (budget > 0) {
        const rows = prepared(sqlite, `SELECT rowid AS r, id FROM "${table}" WHERE rowid > ? ORDER BY rowid LIMIT ?`).all(mark, budget) as { r: number; id: string }[];
        for (const row of rows) indexRecord(sqlite, kind, row.id);
        if (rows.length > 0) {
          prepared(sqlite, `INSERT OR REPLACE INTO local_search_marks (table_name, last_rowid) VALUES (?, ?)`).run(table, rows[rows.length - 1]!.r);
          budget -= rows.length;
        }
      }
      const newMark = (prepared(sqlite, `SELECT last_rowid FROM local_search_marks WHERE table_name = ?`).pluck().get(table) as number | undefined) ?? 0;
      remaining += prepared(sqlite, `SELECT count(*) FROM (SELECT 1 FROM "${table}" WHERE rowid > ? LIMIT ?)`).pluck().get(newMark, limit + 1) as number;
    }
    return { indexed: limit - budget, remaining };
  });
  return run();
}

/** Everything indexed from scratch (after a restore, or in tests). */
export function rebuildSearchIndex(db: AnyDb): void {
  const sqlite = clientOf(db);
  sqlite.transaction(() => {
    sqlite.exec(`DELETE FROM local_search; DELETE FROM local_search_keys; DELETE FROM local_search_dirty; UPDATE local_search_marks SET last_rowid = 0;`);
  })();
  while (drainSearchIndex(sqlite, 5000).remaining > 0);
}

/** Records waiting to be indexed (capped at `cap`). */
export const pendingSearchChanges = (db: AnyDb, cap = 1_000_000): number => drainPreview(clientOf(db), cap);

function drainPreview(sqlite: Database.Database, cap: number): number {
  let count = prepared(sqlite, `SELECT count(*) FROM local_search_dirty`).pluck().get() as number;
  for (const { table } of INDEXED_TABLES) {
    const mark = (prepared(sqlite, `SELECT last_rowid FROM local_search_marks WHERE table_name = ?`).pluck().get(table) as number | undefined) ?? 0;
    count += prepared(sqlite, `SELECT count(*) FROM (SELECT 1 FROM "${table}" WHERE rowid > ? LIMIT ?)`).pluck().get(mark, cap) as number;
  }
  return count;
}

// ---------------------------------------------------------------------------------------------------
// Queries

const MAX_QUERY_WORDS = 8;
const MAX_TYPO_CANDIDATES = 12;

/**
 * The FTS5 MATCH expression for what the user typed, or null when nothing can match (no words, or a
 * word that is neither a prefix of an indexed word nor one edit from one).
 */
export function buildMatchExpression(sqlite: Database.Database, query: string): string | null {
  const words = [...new Set(searchWords(query))].slice(0, MAX_QUERY_WORDS);
  if (words.length === 0) return null;
  const hasPrefix = prepared(sqlite, `SELECT 1 FROM local_search_terms WHERE term >= ? AND term < ? LIMIT 1`).pluck();
  const parts: string[] = [];
  for (const word of words) {
    const quoted = `"${word}"`;
    // Digits and short words are always prefixes (phone numbers, zips, house numbers, initials).
    if (!isLetters(word) || word.length < TYPO_MIN_LENGTH || hasPrefix.get(word, `${word}\uffff`)) {
      parts.push(`${quoted}*`);
      continue;
    }
    const variants = deletions(word);
    const candidates = sqlite
      .prepare(`SELECT DISTINCT term FROM local_search_variants WHERE variant IN (${variants.map(() => '?').join(', ')}) LIMIT 200`)
      .pluck()
      .all(...variants) as string[];
    const close = candidates
      .map((term) => ({ term, distance: editDistance(word, term, 1) }))
      .filter((candidate) => candidate.distance <= 1)
      .sort((a, b) => a.distance - b.distance || a.term.localeCompare(b.term))
      .slice(0, MAX_TYPO_CANDIDATES)
      .map((candidate) => `"${candidate.term}"`);
    if (close.length === 0) return null;
    parts.push(close.length === 1 ? close[0]! : `(${close.join(' OR ')})`);
  }
  return parts.join(' AND ');
}

type MatchRow = { kind: 'contact' | 'property' | 'note'; ref: string; contact_id: string | null };

/** Above this many matches a query is too unselective to rank (a lone "a", a zip prefix every record shares). */
const RANK_LIMIT = 1000;

/**
 * Matching documents, best first: bm25 with the name column weighted 10:1. Ranking scores every match,
 * so an unselective query (more than RANK_LIMIT matches) is answered unranked instead: name matches
 * first, in index order — the user is still typing, and the next letter makes it selective.
 */
function matchDocs(sqlite: Database.Database, query: string, limit: number, kinds?: readonly string[]): MatchRow[] {
  const match = buildMatchExpression(sqlite, query);
  if (!match) return [];
  const kindFilter = kinds ? `AND kind IN (${kinds.map(() => '?').join(', ')})` : '';
  const kindParams = kinds ?? [];
  const matches = prepared(sqlite, `SELECT count(*) FROM (SELECT 1 FROM local_search WHERE local_search MATCH ? ${kindFilter} LIMIT ?)`)
    .pluck()
    .get(match, ...kindParams, RANK_LIMIT + 1) as number;
  if (matches <= RANK_LIMIT) {
    return prepared(sqlite, `SELECT kind, ref, contact_id FROM local_search WHERE local_search MATCH ? ${kindFilter} ORDER BY bm25(local_search, 0, 0, 0, 10, 1) LIMIT ?`).all(
      match,
      ...kindParams,
      limit,
    ) as MatchRow[];
  }
  const select = prepared(sqlite, `SELECT rowid AS doc, kind, ref, contact_id FROM local_search WHERE local_search MATCH ? ${kindFilter} LIMIT ?`);
  const byName = select.all(`{name} : (${match})`, ...kindParams, limit) as (MatchRow & { doc: number })[];
  if (byName.length >= limit) return byName;
  const seen = new Set(byName.map((row) => row.doc));
  const rest = (select.all(match, ...kindParams, limit * 2) as (MatchRow & { doc: number })[]).filter((row) => !seen.has(row.doc));
  return [...byName, ...rest].slice(0, limit);
}

/**
 * Ids of contacts matching `query` — by their own fields, their properties' address or the notes about
 * them — best first. For the alert inbox's text filter and the contact list's search box.
 */
export function searchContactIds(db: AnyDb, query: string, limit = 500): string[] {
  const sqlite = clientOf(db);
  drainSearchIndex(sqlite, 500);
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const row of matchDocs(sqlite, query, limit * 2, ['contact', 'property', 'note'])) {
    if (!row.contact_id || seen.has(row.contact_id)) continue;
    seen.add(row.contact_id);
    ids.push(row.contact_id);
    if (ids.length >= limit) break;
  }
  return ids;
}

export type SearchOptions = { limit?: number };

const snippetOf = (body: string, words: string[]): string => {
  const flat = body.replace(/\s+/g, ' ').trim();
  const lower = flat.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
  const at = words.map((word) => lower.indexOf(word)).find((index) => index >= 0) ?? 0;
  const start = Math.max(0, at - 30);
  return `${start > 0 ? '…' : ''}${flat.slice(start, start + 110)}${start + 110 < flat.length ? '…' : ''}`;
};

/** Typed hits for the Ctrl/Cmd-K palette: contacts, properties, notes, and the open alerts of matching contacts. */
export function searchEverything(db: AnyDb, query: string, options: SearchOptions = {}): SearchHit[] {
  const sqlite = clientOf(db);
  const limit = options.limit ?? 30;
  drainSearchIndex(sqlite, 500);
  const rows = matchDocs(sqlite, query, limit);
  if (rows.length === 0) return [];
  const words = searchWords(query);
  const contactById = prepared(sqlite, `SELECT id, first_name, last_name, email, phone, stage FROM contacts WHERE id = ?`);
  const propertyById = prepared(sqlite, 
    `SELECT p.address, p.zipcode, c.first_name, c.last_name FROM properties p LEFT JOIN contacts c ON c.id = p.contact_id WHERE p.id = ?`,
  );
  const noteById = prepared(sqlite, `SELECT n.body, c.first_name, c.last_name FROM notes n LEFT JOIN contacts c ON c.id = n.contact_id WHERE n.id = ?`);
  const alertsOf = prepared(sqlite, 
    `SELECT id, type, priority, probability, status FROM alerts WHERE contact_id = ? AND status NOT IN ('converted', 'dismissed') ORDER BY probability DESC LIMIT 3`,
  );
  const hits: SearchHit[] = [];
  const alertHits: SearchHit[] = [];
  for (const row of rows) {
    if (row.kind === 'contact') {
      const contact = contactById.get(row.ref) as
        | { id: string; first_name: string; last_name: string; email: string | null; phone: string | null; stage: string }
        | undefined;
      if (!contact) continue;
      const name = `${contact.first_name} ${contact.last_name}`.trim() || '(no name)';
      hits.push({ kind: 'contact', id: contact.id, contactId: contact.id, title: name, subtitle: [contact.email, contact.phone, contact.stage.replace('_', ' ')].filter(Boolean).join(' · ') });
      for (const alert of alertsOf.all(contact.id) as { id: string; type: string; priority: string; probability: number; status: string }[]) {
        alertHits.push({
          kind: 'alert',
          id: alert.id,
          contactId: contact.id,
          title: `${name}: likely to ${alert.type}`,
          subtitle: `${alert.priority} · ${Math.round(alert.probability * 100)}% · ${alert.status}`,
        });
      }
    } else if (row.kind === 'property') {
      const property = propertyById.get(row.ref) as { address: string; zipcode: string | null; first_name: string | null; last_name: string | null } | undefined;
      if (!property) continue;
      const owner = property.first_name !== null ? `${property.first_name} ${property.last_name ?? ''}`.trim() : null;
      hits.push({ kind: 'property', id: row.ref, contactId: row.contact_id, title: property.address || '(no address)', subtitle: [property.zipcode, owner].filter(Boolean).join(' · ') });
    } else {
      const note = noteById.get(row.ref) as { body: string; first_name: string | null; last_name: string | null } | undefined;
      if (!note) continue;
      const owner = note.first_name !== null ? `${note.first_name} ${note.last_name ?? ''}`.trim() : 'a contact';
      hits.push({ kind: 'note', id: row.ref, contactId: row.contact_id, title: snippetOf(note.body, words), subtitle: `Note on ${owner}` });
    }
  }
  return [...hits, ...alertHits.slice(0, 10)];
}

/**
 * Keeps the index current in the background: after rows of the indexed tables changed, drains the
 * dirty records in chunks, yielding to the event loop between chunks (an initial sync of 100k records
 * never blocks the main process for long).
 */
export function createSearchIndexer(db: AnyDb, options: { chunk?: number; log?: (message: string) => void } = {}) {
  const sqlite = clientOf(db);
  const chunk = options.chunk ?? 1000;
  let scheduled = false;
  let stopped = false;
  const step = () => {
    scheduled = false;
    if (stopped) return;
    try {
      if (drainSearchIndex(sqlite, chunk).remaining > 0) schedule();
    } catch (error) {
      options.log?.(`Search index update failed (will retry on the next change): ${String(error)}`);
    }
  };
  const schedule = () => {
    if (scheduled || stopped) return;
    scheduled = true;
    setImmediate(step);
  };
  return {
    /** Rows of these tables changed: index them soon. */
    tablesChanged(tables: readonly string[]) {
      if (tables.some((table) => table === 'contacts' || table === 'properties' || table === 'notes')) schedule();
    },
    start: schedule,
    stop() {
      stopped = true;
    },
  };
}
