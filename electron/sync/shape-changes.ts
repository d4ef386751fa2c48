// Shape messages in the replica's storage form, decoded straight from the wire's Postgres text forms.
//
// The Electric client parses a response with JSON.parse and a reviver that visits every value of every
// row, then runs a per-column parser (numbers, booleans, parsed JSON); the replica then turned the parsed
// values back into SQLite's form (1/0, JSON text). Measured on 80k captured rows that reviver path cost
// 17–23 µs per row against 5–6 µs for a plain JSON.parse, and most of it was wasted: JSON columns were
// parsed only to be stringified again. Here one pass goes from text form to what SQLite stores.
//
// Used in the shape worker (no database, no drizzle: the columns come in as plain data) and by the
// replica for messages that arrive already parsed (tests, tools).
import type { ElectricType } from '../../db/sync/shape-tables.ts';

/** A column as the decoder needs it (a plain-data subset of ShapeColumn, so it crosses to the worker). */
export type WireColumn = { name: string; type: ElectricType };

/** A stored value: what better-sqlite3 binds. */
export type StoredValue = string | number | bigint | null;

/**
 * One change of a shape batch, decoded. Inserts that carry every column of the table come as `values`
 * in the table's column order (the replica writes runs of them with multi-row statements); any other
 * insert or update carries the columns it has as `row`; deletes only the id.
 */
export type ShapeChange =
  | { op: 'insert'; id: string; values: StoredValue[] }
  | { op: 'insert' | 'update'; id: string; row: Record<string, StoredValue> }
  | { op: 'delete'; id: string }
  | { control: string };

export type ShapeChangePosition = { handle: string | undefined; offset: string; upToDate: boolean };

const compactJson = (text: string): string => {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text; // not JSON after all: stored as sent
  }
};

/** Postgres text form (or an already parsed value) → SQLite storage form, per column type. */
export function wireToStored(type: ElectricType, value: unknown): StoredValue {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'bool':
      return value === true || value === 't' || value === 'true' ? 1 : 0;
    case 'jsonb':
      // On the wire JSON columns are JSON text already: store it as is (a parsed value is encoded). A JSON
      // null is stored as SQL NULL, as the parsed path always did.
      // Snapshot pages carry Postgres' spaced jsonb text (`{"a": 1}`): stored compact, as change messages are.
      if (typeof value !== 'string') return JSON.stringify(value);
      if (value === 'null') return null;
      return value.includes(' ') || value.includes('\n') ? compactJson(value) : value;
    case 'int4':
    case 'float8':
      return typeof value === 'number' ? value : Number(value);
    case 'int8': {
      if (typeof value === 'number' || typeof value === 'bigint') return value;
      const n = Number(value);
      return Number.isSafeInteger(n) ? n : BigInt(String(value));
    }
    default:
      return typeof value === 'string' ? value : String(value);
  }
}

/** Decodes the change messages of one table; construct once per table and reuse for every batch. */
export function createChangeDecoder(columns: readonly WireColumn[]) {
  const byName = new Map(columns.map((column, index) => [column.name, { type: column.type, index }]));
  const width = columns.length;
  return {
    /**
     * One wire change message (`{key, value, headers:{operation}}` with text-form values) → a change.
     * Columns the table does not have are dropped (a newer server may send more).
     */
    decode(operation: string, value: Record<string, unknown>): ShapeChange {
      const id = String(value.id);
      if (operation === 'delete') return { op: 'delete', id };
      if (operation !== 'insert' && operation !== 'update') throw new Error(`Unknown shape operation ${JSON.stringify(operation)}`);
      const names = Object.keys(value);
      if (operation === 'insert' && names.length === width) {
        const values: StoredValue[] = new Array<StoredValue>(width);
        let complete = true;
        for (const name of names) {
          const column = byName.get(name);
          if (!column) {
            complete = false;
            break;
          }
          values[column.index] = wireToStored(column.type, value[name]);
        }
        if (complete) return { op: 'insert', id, values };
      }
      const row: Record<string, StoredValue> = {};
      for (const name of names) {
        const column = byName.get(name);
        if (column) row[name] = wireToStored(column.type, value[name]);
      }
      return { op: operation, id, row };
    },
  };
}
