// The replica's merge rules without a network: optimistic edits, server messages folded under pending
// edits, rejections falling back to the server's version, and settling once the stream has passed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logOffset } from '../../db/sync/offsets.ts';
import { openLocalStore, type LocalStore } from '../store/local-store.ts';
import { createReplica, type Replica, type ShapeMessage } from './replica.ts';

const key = (id: string) => `"public"."contacts"/"${id}"`;
const server = (operation: 'insert' | 'update' | 'delete', value: Record<string, unknown>): ShapeMessage => ({
  key: key(String(value.id)),
  value,
  headers: { operation },
});

describe('replica', () => {
  let store: LocalStore;
  let replica: Replica;
  const contact = (id: string) => store.sqlite.prepare('SELECT first_name, phone, stage, field_hlcs FROM contacts WHERE id = ?').get(id) as Record<string, unknown> | undefined;

  beforeEach(() => {
    store = openLocalStore(':memory:');
    replica = createReplica(store.sqlite, { nodeId: 'device-a', userId: 'u1', brokerageId: 'b1' });
    replica.applyShapeBatch('contacts', [server('insert', { id: 'c1', brokerage_id: 'b1', first_name: 'Ada', phone: '555-0001', stage: 'lead', tags: [], field_hlcs: {}, hlc: '' })], {
      handle: 'h',
      offset: logOffset(10),
      upToDate: true,
    });
  });
  afterEach(() => store.close());

  it('applies an edit at once and queues it with the field HLCs it was made on', () => {
    const [id] = replica.mutate([{ table: 'contacts', op: 'update', id: 'c1', changes: { phone: '555-0002' } }]);
    expect(contact('c1')).toMatchObject({ phone: '555-0002' });
    expect(replica.nextBatch(10)).toEqual([
      expect.objectContaining({ id, table: 'contacts', op: 'update', pk: 'c1', changes: { phone: '555-0002' }, hlc: expect.stringMatching(/:device-a$/) }),
    ]);
    expect(replica.counts()).toEqual({ pending: 1, failed: 0 });
  });

  it('never lets a pull clobber a pending edit, yet keeps the server\u2019s other changes', () => {
    replica.mutate([{ table: 'contacts', op: 'update', id: 'c1', changes: { phone: '555-0002' } }]);
    replica.applyShapeBatch('contacts', [server('update', { id: 'c1', phone: '555-9999', stage: 'active' })], { handle: 'h', offset: logOffset(11), upToDate: true });
    expect(contact('c1')).toMatchObject({ phone: '555-0002', stage: 'active' });
  });

  it('drops an acknowledged edit only once the stream has passed its position', () => {
    const [id] = replica.mutate([{ table: 'contacts', op: 'update', id: 'c1', changes: { phone: '555-0002' } }]);
    replica.recordResults([{ id: id!, status: 'applied', txid: '15' }]);
    expect(replica.counts().pending).toBe(1);
    // An older message arrives first: the edit stays on top.
    replica.applyShapeBatch('contacts', [server('update', { id: 'c1', first_name: 'Ada M.' })], { handle: 'h', offset: logOffset(12), upToDate: true });
    expect(contact('c1')).toMatchObject({ first_name: 'Ada M.', phone: '555-0002' });
    replica.applyShapeBatch('contacts', [server('update', { id: 'c1', phone: '555-0002', field_hlcs: { phone: 'x' } })], { handle: 'h', offset: logOffset(15), upToDate: true });
    expect(replica.counts().pending).toBe(0);
    expect(contact('c1')).toMatchObject({ first_name: 'Ada M.', phone: '555-0002' });
    expect(store.sqlite.prepare('SELECT count(*) AS n FROM local_server_rows').get()).toEqual({ n: 0 });
  });

  it('falls back to the server\u2019s version when an edit is rejected, and lists it', () => {
    const [id] = replica.mutate([{ table: 'contacts', op: 'update', id: 'c1', changes: { stage: 'archived' } }]);
    replica.recordResults([{ id: id!, status: 'rejected', reason: 'not yours', txid: '12' }]);
    expect(contact('c1')).toMatchObject({ stage: 'lead' });
    expect(replica.counts()).toEqual({ pending: 0, failed: 1 });
    expect(replica.rejected()).toEqual([expect.objectContaining({ id, tableName: 'contacts', reason: 'not yours' })]);
  });

  it('creates rows locally and removes them if the server refuses the insert', () => {
    const [id] = replica.mutate([{ table: 'notes', op: 'insert', id: 'n1', changes: { contact_id: 'c1', body: 'Call back Tuesday' } }]);
    expect(store.sqlite.prepare('SELECT brokerage_id, author_id, body FROM notes').all()).toEqual([{ brokerage_id: 'b1', author_id: 'u1', body: 'Call back Tuesday' }]);
    replica.recordResults([{ id: id!, status: 'rejected', reason: 'contact_id c1 does not exist', txid: '12' }]);
    expect(store.sqlite.prepare('SELECT count(*) AS n FROM notes').get()).toEqual({ n: 0 });
  });

  it('refuses an invalid edit before touching anything, and rolls back a mixed batch whole', () => {
    expect(() => replica.mutate([{ table: 'contacts', op: 'update', id: 'c1', changes: { email: 'nope' } }])).toThrow(/email/);
    expect(() =>
      replica.mutate([
        { table: 'contacts', op: 'update', id: 'c1', changes: { phone: '555-0003' } },
        { table: 'contacts', op: 'update', id: 'missing', changes: { phone: '1' } },
      ]),
    ).toThrow(/no contacts record missing/);
    expect(contact('c1')).toMatchObject({ phone: '555-0001' });
    expect(replica.counts().pending).toBe(0);
  });

  it('keeps pending rows through a must-refetch and rebuilds the rest from the new snapshot', () => {
    replica.applyShapeBatch('contacts', [server('insert', { id: 'c2', brokerage_id: 'b1', first_name: 'Bo', stage: 'lead', tags: [], field_hlcs: {}, hlc: '' })], {
      handle: 'h',
      offset: logOffset(12),
      upToDate: true,
    });
    replica.mutate([{ table: 'contacts', op: 'update', id: 'c1', changes: { phone: '555-0002' } }]);
    replica.applyShapeBatch('contacts', [{ headers: { control: 'must-refetch' } }], { handle: undefined, offset: '-1', upToDate: false });
    expect(store.sqlite.prepare('SELECT id FROM contacts ORDER BY id').all()).toEqual([{ id: 'c1' }]);
    expect(replica.shapePosition('contacts')).toEqual({ handle: undefined, offset: '-1', upToDate: false });
    replica.applyShapeBatch('contacts', [server('insert', { id: 'c1', brokerage_id: 'b1', first_name: 'Ada', phone: '555-0001', stage: 'lead', tags: [], field_hlcs: {}, hlc: '' })], {
      handle: 'h2',
      offset: '0_1',
      upToDate: false,
    });
    expect(contact('c1')).toMatchObject({ phone: '555-0002' });
  });
});
