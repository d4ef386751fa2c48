import { describe, expect, it } from 'vitest';
import { checkMutation, mutationBatchSchema, tableRule, WRITABLE_TABLES } from './mutations.ts';
import { shapeTableInfo } from './shape-tables.ts';

const hlc = '001763769600000:00000:device-a';

describe('mutation catalogue', () => {
  it('names only real columns of the tables it writes', () => {
    for (const table of WRITABLE_TABLES) {
      const columns = shapeTableInfo(table).byName;
      for (const field of Object.keys(tableRule(table).fields.shape)) expect(columns.has(field), `${table}.${field}`).toBe(true);
      const stamped = tableRule(table).stampedWithUser;
      if (stamped) expect(columns.has(stamped), `${table}.${stamped}`).toBe(true);
      const problem = checkMutation({ table, op: 'insert', changes: {} });
      expect(problem, table).toBeTruthy(); // an empty insert is never valid
      expect(columns.has('id'), table).toBe(true);
    }
  });

  it('accepts a well-formed edit and explains what is wrong with bad ones', () => {
    expect(checkMutation({ table: 'contacts', op: 'update', changes: { phone: '555-0100', tags: ['vip'] } })).toBeNull();
    expect(checkMutation({ table: 'contacts', op: 'update', changes: { salary: 1 } })).toMatch(/salary/);
    expect(checkMutation({ table: 'contacts', op: 'update', changes: { email: 'not an email' } })).toMatch(/changes\.email/);
    expect(checkMutation({ table: 'contacts', op: 'update', changes: { household_size: '3' } })).toMatch(/household_size/);
    expect(checkMutation({ table: 'notes', op: 'update', changes: { body: 'x' } })).toMatch(/insert, delete only/);
    expect(checkMutation({ table: 'notes', op: 'insert', changes: { body: 'x' } })).toMatch(/needs contact_id/);
    expect(checkMutation({ table: 'contacts', op: 'delete', changes: { phone: '1' } })).toMatch(/empty for a delete/);
  });

  it('validates a whole batch: ids increase, tables exist, hlc format', () => {
    const ok = { clientId: 'device-a', mutations: [{ id: 1, table: 'contacts', op: 'update', pk: 'c1', changes: { phone: '1' }, hlc }] };
    expect(mutationBatchSchema.safeParse(ok).success).toBe(true);
    const bad = (patch: object) => mutationBatchSchema.safeParse({ ...ok, mutations: [{ ...ok.mutations[0], ...patch }] }).success;
    expect(bad({ table: 'users' })).toBe(false);
    expect(bad({ hlc: 'yesterday' })).toBe(false);
    expect(bad({ pk: 'has spaces' })).toBe(false);
    expect(bad({ extra: true })).toBe(false);
    const twice = { ...ok, mutations: [ok.mutations[0], ok.mutations[0]] };
    expect(mutationBatchSchema.safeParse(twice).success).toBe(false);
  });
});
