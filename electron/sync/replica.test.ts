// The replica's merge rules without a network: optimistic edits, server messages folded under pending
// edits, rejections falling back to the server's version, and settling once the stream has passed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logOffset } from '../../db/sync/offsets.ts';
import { shapeTableInfo, toSqliteValue, type ElectricType } from '../../db/sync/shape-tables.ts';
import { openLocalStore, type LocalStore } from '../store/local-store.ts';
import { createReplica, type Replica, type ShapeMessage } from './replica.ts';
import { createChangeDecoder, wireToStored, type ShapeChange } from './shape-changes.ts';

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

  // What the shape worker decodes from the wire (text forms) must store exactly what the Electric client's
  // parsing followed by toSqliteValue stored; and runs of whole-row inserts, written many rows per
  // statement, must end exactly as the one-message-at-a-time path.
  describe('decoded shape batches', () => {
    // The Electric client's default parsers, per type (for the comparison only).
    const electricParse: Record<ElectricType, (text: string) => unknown> = {
      text: (v) => v,
      timestamptz: (v) => v,
      date: (v) => v,
      int4: Number,
      float8: Number,
      int8: BigInt,
      bool: (v) => v === 't' || v === 'true',
      jsonb: (v) => JSON.parse(v),
    };
    const samples: Record<ElectricType, string[]> = {
      text: ['', 'Ada', 'ünïcødé "quoted"'],
      timestamptz: ['2026-11-22T06:38:26.650Z'],
      date: ['2026-01-31'],
      int4: ['0', '-7', '2147483647'],
      float8: ['0', '1.5', '-1e-7', '47.6062'],
      int8: ['0', '9007199254740991'],
      bool: ['t', 'f', 'true', 'false'],
      jsonb: ['[]', '["buyer","newsletter"]', '{"phone":"001795329506649:00000:seed"}', '"555-0101"', '3', 'null'],
    };

    it('decodes every column type from its text form to what the parsed path stored', () => {
      for (const [type, texts] of Object.entries(samples) as [ElectricType, string[]][]) {
        for (const text of texts) {
          const column = { name: 'x', type, notNull: false, primaryKey: false };
          const expected = toSqliteValue(column, electricParse[type](text));
          // int8: a bigint or a safe number bind to the same SQLite integer.
          if (type === 'int8') expect(String(wireToStored(type, text))).toBe(String(expected));
          else expect(wireToStored(type, text), `${type} ${text}`).toEqual(expected);
        }
        expect(wireToStored(type, null)).toBeNull();
      }
    });

    it('stores runs of whole-row inserts, updates, deletes and a must-refetch exactly like the message path', () => {
      const columns = shapeTableInfo('contacts').columns;
      const textRow = (i: number, phone = `555-${i}`): Record<string, string | null> => ({
        ...Object.fromEntries(columns.map((c) => [c.name, null])),
        id: `c${String(i).padStart(3, '0')}`,
        brokerage_id: 'b1',
        first_name: `First ${i}`,
        last_name: 'Last',
        phone,
        stage: 'lead',
        tags: i % 2 ? '["buyer"]' : '[]',
        household_size: String(i % 5),
        created_at: '2026-11-22T06:38:26.650Z',
        updated_at: '2026-11-22T06:38:26.650Z',
        hlc: `0017953295066${String(i).padStart(2, '0')}:00000:seed`,
        field_hlcs: '{"phone":"001795329506649:00000:seed"}',
      });
      // 75 inserts (two statements of 32 and 11 single rows) with an id repeated inside the run, then an
      // update, a delete, a partial insert, more inserts, a must-refetch and a last run.
      const wire: { operation?: string; control?: string; value?: Record<string, string | null> }[] = [
        ...Array.from({ length: 70 }, (_, i) => ({ operation: 'insert', value: textRow(i) })),
        { operation: 'insert', value: textRow(3, '555-replaced') },
        ...Array.from({ length: 4 }, (_, i) => ({ operation: 'insert', value: textRow(70 + i) })),
        { operation: 'update', value: { id: 'c005', phone: '555-updated', household_size: '4' } },
        { operation: 'delete', value: { id: 'c006' } },
        { operation: 'insert', value: { id: 'c200', brokerage_id: 'b1', first_name: 'Partial' } },
        ...Array.from({ length: 40 }, (_, i) => ({ operation: 'insert', value: textRow(100 + i) })),
        { control: 'must-refetch' },
        ...Array.from({ length: 35 }, (_, i) => ({ operation: 'insert', value: textRow(i * 3) })),
      ];
      const decoder = createChangeDecoder(columns);
      const changes: ShapeChange[] = [];
      for (const m of wire) {
        if (m.control) changes.push({ control: m.control });
        else decoder.decode(m.operation!, m.value!, changes);
      }
      const width = shapeTableInfo('contacts').columns.length;
      expect(changes.flatMap((c) => ('values' in c ? [c.values.length / width] : []))).toEqual([70 + 1 + 4, 40, 35]);
      const messages: ShapeMessage[] = wire.map((m) =>
        m.control
          ? { headers: { control: m.control } }
          : {
              key: key(String(m.value!.id)),
              headers: { operation: m.operation as 'insert' | 'update' | 'delete' },
              value: Object.fromEntries(Object.entries(m.value!).map(([name, text]) => [name, text === null ? null : electricParse[shapeTableInfo('contacts').byName.get(name)!.type](text)])),
            },
      );
      const position = { handle: 'h2', offset: '0_3', upToDate: false };
      const other = openLocalStore(':memory:');
      try {
        const otherReplica = createReplica(other.sqlite, { nodeId: 'device-a', userId: 'u1', brokerageId: 'b1' });
        replica.applyChanges('contacts', changes, position);
        otherReplica.applyShapeBatch('contacts', messages, position);
        const all = (sqlite: LocalStore['sqlite']) => sqlite.prepare('SELECT * FROM contacts ORDER BY id').all();
        expect(all(store.sqlite)).toEqual(all(other.sqlite));
        expect(all(store.sqlite)).toHaveLength(35); // what the last snapshot brought
        expect(replica.shapePosition('contacts')).toEqual(position);
        expect(replica.hlc() >= '001795329506699:00000:device-a').toBe(true); // the newest row HLC moved the clock
      } finally {
        other.close();
      }
    });

    it('folds decoded rows under pending edits like parsed ones', () => {
      replica.mutate([{ table: 'contacts', op: 'update', id: 'c1', changes: { phone: '555-0002' } }]);
      const decoder = createChangeDecoder(shapeTableInfo('contacts').columns);
      const whole = Object.fromEntries(shapeTableInfo('contacts').columns.map((c) => [c.name, null as string | null]));
      const changes: ShapeChange[] = [];
      decoder.decode('insert', { ...whole, id: 'c1', brokerage_id: 'b1', first_name: 'Ada', phone: '555-9999', stage: 'active', tags: '[]', field_hlcs: '{}', hlc: '' }, changes);
      replica.applyChanges('contacts', changes, {
        handle: 'h',
        offset: logOffset(11),
        upToDate: true,
      });
      expect(contact('c1')).toMatchObject({ first_name: 'Ada', phone: '555-0002', stage: 'active' });
    });
  });
});
