import { describe, expect, it } from 'vitest';
import { createChangeDecoder, wireToStored } from './shape-changes.ts';

describe('shape change decoding', () => {
  it('stores JSON columns compact whichever text form arrives (Postgres spaces snapshot jsonb, change messages do not)', () => {
    expect(wireToStored('jsonb', '{"calculator": "refinance", "n": [1, 2]}')).toBe('{"calculator":"refinance","n":[1,2]}');
    expect(wireToStored('jsonb', '{"calculator":"refinance"}')).toBe('{"calculator":"refinance"}');
    expect(wireToStored('jsonb', '{"note": "two  spaces\\nkept"}')).toBe('{"note":"two  spaces\\nkept"}');
    expect(wireToStored('jsonb', 'null')).toBeNull();
    expect(wireToStored('jsonb', { a: 1 })).toBe('{"a":1}');
  });

  it('decodes a full-row insert into column order and a partial update into a row', () => {
    const decoder = createChangeDecoder([
      { name: 'id', type: 'text' },
      { name: 'props', type: 'jsonb' },
      { name: 'done', type: 'bool' },
    ]);
    expect(decoder.decode('insert', { done: 'true', id: 'e1', props: '{"a": 1}' })).toEqual({ op: 'insert', id: 'e1', values: ['e1', '{"a":1}', 1] });
    expect(decoder.decode('update', { id: 'e1', done: 'false' })).toEqual({ op: 'update', id: 'e1', row: { id: 'e1', done: 0 } });
    expect(decoder.decode('delete', { id: 'e1' })).toEqual({ op: 'delete', id: 'e1' });
  });
});
