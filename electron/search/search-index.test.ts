// The search index on a real migrated replica: prefix and typo matches, typed hits, and an index that
// follows inserts (from sync and local edits), updates, soft deletes, hard deletes and rowid reuse.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logOffset } from '../../db/sync/offsets.ts';
import { openLocalStore, type LocalStore } from '../store/local-store.ts';
import { createReplica, type Replica, type ShapeMessage } from '../sync/replica.ts';
import {
  buildMatchExpression,
  deletions,
  drainSearchIndex,
  editDistance,
  pendingSearchChanges,
  rebuildSearchIndex,
  searchContactIds,
  searchEverything,
  searchWords,
} from './search-index.ts';

const insert = (value: Record<string, unknown>): ShapeMessage => ({ key: String(value.id), value, headers: { operation: 'insert' } });

describe('search words and edits', () => {
  it('splits like unicode61: lower case, accents removed, punctuation as separators', () => {
    expect(searchWords('José O’Brien-Smith, jose.smith@Example.com (206) 555-0101')).toEqual([
      'jose', 'o', 'brien', 'smith', 'jose', 'smith', 'example', 'com', '206', '555', '0101',
    ]);
  });

  it('measures one insertion, deletion, substitution or swap as distance 1', () => {
    expect(editDistance('johnson', 'jonhson')).toBe(1);
    expect(editDistance('smith', 'smyth')).toBe(1);
    expect(editDistance('smith', 'smth')).toBe(1);
    expect(editDistance('smith', 'smiths')).toBe(1);
    expect(editDistance('abc', 'bca')).toBe(2);
    expect(deletions('abc').sort()).toEqual(['ab', 'abc', 'ac', 'bc']);
  });
});

describe('search index', () => {
  let store: LocalStore;
  let replica: Replica;
  let batch = 0;
  const apply = (table: 'contacts' | 'properties' | 'notes' | 'alerts', rows: Record<string, unknown>[]) =>
    replica.applyShapeBatch(table, rows.map(insert), { handle: 'h', offset: logOffset(++batch), upToDate: true });

  beforeEach(() => {
    store = openLocalStore(':memory:');
    replica = createReplica(store.sqlite, { nodeId: 'device-a', userId: 'u1', brokerageId: 'b1' });
    apply('contacts', [
      { id: 'c1', brokerage_id: 'b1', first_name: 'Margaret', last_name: 'Johnson', email: 'maggie.j@example.com', phone: '(206) 555-0101', stage: 'lead', tags: ['first-time-buyer'], zipcode: '98103' },
      { id: 'c2', brokerage_id: 'b1', first_name: 'Ahmed', last_name: 'Haddad', email: 'ahmed@haddad.example', phone: '425-555-0199', stage: 'past_client', tags: ['investor'], zipcode: '98004' },
      { id: 'c3', brokerage_id: 'b1', first_name: 'José', last_name: 'Álvarez', email: null, phone: null, stage: 'sphere', tags: [], zipcode: null },
    ]);
    apply('properties', [{ id: 'p1', brokerage_id: 'b1', contact_id: 'c2', address: '1420 Queen Anne Ave N', zipcode: '98109' }]);
    apply('notes', [{ id: 'n1', brokerage_id: 'b1', contact_id: 'c1', body: 'Wants a **craftsman** bungalow near Green Lake' }]);
    apply('alerts', [{ id: 'a1', brokerage_id: 'b1', contact_id: 'c2', type: 'sell', probability: 0.91, priority: 'CRITICAL', status: 'new' }]);
  });
  afterEach(() => store.close());

  const ids = (query: string) => searchEverything(store.sqlite, query).map((hit) => `${hit.kind}:${hit.id}`);

  it('finds nothing until drained, costs the sync nothing per insert, then finds everything inserted', () => {
    expect(store.sqlite.prepare('SELECT count(*) AS n FROM local_search_dirty').get()).toEqual({ n: 0 });
    expect(pendingSearchChanges(store.sqlite)).toBe(5);
    expect(drainSearchIndex(store.sqlite)).toEqual({ indexed: 5, remaining: 0 });
    expect(pendingSearchChanges(store.sqlite)).toBe(0);
  });

  it('matches word prefixes across names, email, phone, tags, zip, address and note bodies', () => {
    expect(ids('marg')).toEqual(['contact:c1']);
    expect(ids('johnson margaret')).toEqual(['contact:c1']);
    expect(ids('maggie')).toEqual(['contact:c1']);
    expect(ids('2065550101')).toEqual(['contact:c1']);
    expect(ids('555-0199')).toEqual(['contact:c2', 'alert:a1']);
    expect(ids('first-time')).toEqual(['contact:c1']);
    expect(ids('98004')).toEqual(['contact:c2', 'alert:a1']);
    expect(ids('queen anne')).toEqual(['property:p1']);
    expect(ids('craftsman')).toEqual(['note:n1']);
    expect(ids('jose alvarez')).toEqual(['contact:c3']);
    expect(ids('zzzz')).toEqual([]);
    expect(ids('   ')).toEqual([]);
  });

  it('tolerates one typo in a whole word (swap, missing, extra or wrong letter)', () => {
    expect(ids('jonhson')).toEqual(['contact:c1']);
    expect(ids('margret')).toEqual(['contact:c1']);
    expect(ids('haddadd')).toEqual(['contact:c2', 'alert:a1']);
    expect(ids('hadded')).toEqual(['contact:c2', 'alert:a1']);
    expect(ids('margaret jonson')).toEqual(['contact:c1']);
    // Two typos in one word are too far.
    expect(ids('jnhosn')).toEqual([]);
    // A real prefix is never "corrected".
    expect(buildMatchExpression(store.sqlite, 'john')).toBe('"john"*');
  });

  it('returns typed hits with what the palette shows', () => {
    const hits = searchEverything(store.sqlite, 'haddad');
    expect(hits).toEqual([
      { kind: 'contact', id: 'c2', contactId: 'c2', title: 'Ahmed Haddad', subtitle: 'ahmed@haddad.example · 425-555-0199 · past client' },
      { kind: 'alert', id: 'a1', contactId: 'c2', title: 'Ahmed Haddad: likely to sell', subtitle: 'CRITICAL · 91% · new' },
    ]);
    expect(searchEverything(store.sqlite, 'queen')[0]).toMatchObject({ kind: 'property', contactId: 'c2', title: '1420 Queen Anne Ave N', subtitle: '98109 · Ahmed Haddad' });
    expect(searchEverything(store.sqlite, 'green lake')[0]).toMatchObject({ kind: 'note', contactId: 'c1', subtitle: 'Note on Margaret Johnson' });
  });

  it('searchContactIds finds contacts by their own fields, their properties and notes about them', () => {
    expect(searchContactIds(store.sqlite, 'queen anne', 10)).toEqual(['c2']);
    expect(searchContactIds(store.sqlite, 'johnsen', 10)).toEqual(['c1']);
    expect(searchContactIds(store.sqlite, 'craftsman', 10)).toEqual(['c1']);
    expect(searchContactIds({ $client: store.sqlite }, 'a', 1)).toHaveLength(1);
  });

  it('follows local edits, soft deletes and their undo', () => {
    drainSearchIndex(store.sqlite);
    replica.mutate([{ table: 'contacts', op: 'update', id: 'c1', changes: { last_name: 'Whitfield' } }]);
    expect(ids('whitfield')).toEqual(['contact:c1']);
    expect(ids('johnson')).toEqual([]);
    replica.mutate([{ table: 'contacts', op: 'delete', id: 'c1' }]);
    expect(ids('whitfield')).toEqual([]);
    replica.mutate([{ table: 'contacts', op: 'update', id: 'c1', changes: { deleted_at: null } }]);
    expect(ids('whitfield')).toEqual(['contact:c1']);
    replica.mutate([{ table: 'notes', op: 'insert', id: 'n2', changes: { contact_id: 'c3', body: 'Prefers texting after 6pm' } }]);
    expect(ids('texting')).toEqual(['note:n2']);
  });

  it('follows server updates, hard deletes and an insert that reuses a deleted row\u2019s rowid', () => {
    drainSearchIndex(store.sqlite);
    replica.applyShapeBatch('contacts', [{ key: 'c2', value: { id: 'c2', last_name: 'Haddad-Nour' }, headers: { operation: 'update' } }], { handle: 'h', offset: logOffset(++batch), upToDate: true });
    expect(ids('nour')).toEqual(['contact:c2', 'alert:a1']);
    // c3 holds the highest rowid: deleting it lets SQLite give that rowid to the next insert.
    replica.applyShapeBatch('contacts', [{ key: 'c3', value: { id: 'c3' }, headers: { operation: 'delete' } }], { handle: 'h', offset: logOffset(++batch), upToDate: true });
    apply('contacts', [{ id: 'c4', brokerage_id: 'b1', first_name: 'Quentin', last_name: 'Blake', stage: 'lead', tags: [] }]);
    expect(ids('alvarez')).toEqual([]);
    expect(ids('quentin')).toEqual(['contact:c4']);
  });

  it('rebuilds from scratch to the same answers', () => {
    const before = ids('haddad');
    rebuildSearchIndex(store.sqlite);
    expect(ids('haddad')).toEqual(before);
  });

  it('treats FTS syntax in the query as plain words', () => {
    expect(() => searchEverything(store.sqlite, 'NEAR( "a" OR * ) AND -x:y ^z')).not.toThrow();
    expect(ids('"johnson"')).toEqual(['contact:c1']);
  });
});
