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
 * One change of a shape batch, decoded. Consecutive inserts that carry every column of the table come as
 * one `inserts` run: their values back to back, each row in the table's column order (rows × columns
 * values). One flat array per run crosses from the shape worker to the main thread far cheaper than an
 * array per row (structured cloning costs both threads per object), and the replica writes runs with
 * multi-row statements straight from slices of it. Any other insert or update carries the columns it has
 * as `row`; deletes only the id.
 */
export type ShapeChange =
  | { op: 'inserts'; values: StoredValue[] }
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

/** Row `index` of an `inserts` run as column name → value (for the paths that handle rows one by one). */
export function insertedRow(columns: readonly WireColumn[], values: readonly StoredValue[], index: number): Record<string, StoredValue> {
  const row: Record<string, StoredValue> = {};
  const base = index * columns.length;
  for (let i = 0; i < columns.length; i++) row[columns[i]!.name] = values[base + i]!;
  return row;
}

/** Decodes the change messages of one table; construct once per table and reuse for every batch. */
export function createChangeDecoder(columns: readonly WireColumn[]) {
  const byName = new Map(columns.map((column, index) => [column.name, { type: column.type, index }]));
  const width = columns.length;
  return {
    /**
     * One wire change message (`{key, value, headers:{operation}}` with text-form values), appended to
     * `into` — a whole-row insert onto the `inserts` run `into` ends with, or as a new run. Columns the
     * table does not have are dropped (a newer server may send more).
     */
    decode(operation: string, value: Record<string, unknown>, into: ShapeChange[]): void {
      const id = String(value.id);
      if (operation === 'delete') {
        into.push({ op: 'delete', id });
        return;
      }
      if (operation !== 'insert' && operation !== 'update') throw new Error(`Unknown shape operation ${JSON.stringify(operation)}`);
      const names = Object.keys(value);
      if (operation === 'insert' && names.length === width) {
        const last = into[into.length - 1];
        const run = last && 'op' in last && last.op === 'inserts' ? last.values : null;
        const values = run ?? [];
        const base = values.length;
        values.length = base + width;
        let complete = true;
        for (const name of names) {
          const column = byName.get(name);
          if (!column) {
            complete = false; // a column this table lacks: not a whole row of ours after all
            break;
          }
          values[base + column.index] = wireToStored(column.type, value[name]);
        }
        if (complete) {
          if (!run) into.push({ op: 'inserts', values });
          return;
        }
        values.length = base;
      }
      const row: Record<string, StoredValue> = {};
      for (const name of names) {
        const column = byName.get(name);
        if (column) row[name] = wireToStored(column.type, value[name]);
      }
      into.push({ op: operation, id, row });
    },
  };
}
