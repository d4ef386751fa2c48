import { describe, expect, it } from 'vitest';
import { createChangeDecoder, wireToStored, type ShapeChange } from './shape-changes.ts';

describe('shape change decoding', () => {
  it('stores JSON columns compact whichever text form arrives (Postgres spaces snapshot jsonb, change messages do not)', () => {
    expect(wireToStored('jsonb', '{"calculator": "refinance", "n": [1, 2]}')).toBe('{"calculator":"refinance","n":[1,2]}');
    expect(wireToStored('jsonb', '{"calculator":"refinance"}')).toBe('{"calculator":"refinance"}');
    expect(wireToStored('jsonb', '{"note": "two  spaces\\nkept"}')).toBe('{"note":"two  spaces\\nkept"}');
    expect(wireToStored('jsonb', 'null')).toBeNull();
    expect(wireToStored('jsonb', { a: 1 })).toBe('{"a":1}');
  });

  it('decodes whole-row inserts into runs in column order and anything else into rows', () => {
    const decoder = createChangeDecoder([
      { name: 'id', type: 'text' },
      { name: 'props', type: 'jsonb' },
      { name: 'done', type: 'bool' },
    ]);
    const changes: ShapeChange[] = [];
    decoder.decode('insert', { done: 'true', id: 'e1', props: '{"a": 1}' }, changes);
    decoder.decode('insert', { props: null, id: 'e2', done: 'f' }, changes);
    decoder.decode('update', { id: 'e1', done: 'false' }, changes);
    decoder.decode('insert', { id: 'e3', done: 'true' }, changes); // not every column: a row of its own
    decoder.decode('insert', { id: 'e4', props: '{}', done: 'true', extra: 'x' }, changes); // a column we lack: likewise
    decoder.decode('insert', { id: 'e5', props: '[]', done: 'false' }, changes);
    decoder.decode('delete', { id: 'e1' }, changes);
    expect(changes).toEqual([
      { op: 'inserts', values: ['e1', '{"a":1}', 1, 'e2', null, 0] },
      { op: 'update', id: 'e1', row: { id: 'e1', done: 0 } },
      { op: 'insert', id: 'e3', row: { id: 'e3', done: 1 } },
      { op: 'insert', id: 'e4', row: { id: 'e4', props: '{}', done: 1 } },
      { op: 'inserts', values: ['e5', '[]', 0] },
      { op: 'delete', id: 'e1' },
    ]);
  });
});
