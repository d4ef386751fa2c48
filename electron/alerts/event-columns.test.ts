import { describe, expect, it } from 'vitest';
import { createEventColumns } from './event-columns.ts';

describe('event columns', () => {
  it('groups events by the contacts asked for, in their order, keeping the order added within a contact', () => {
    const columns = createEventColumns();
    columns.add('b', 1, 30, null);
    columns.add('a', 2, 10, 'deed');
    columns.add('z', 3, 5, null); // not asked for: only in the span
    columns.add('b', 4, 20, 'deed');
    columns.add('a', 5, 40, '98103');
    for (let i = 0; i < 70_000; i++) columns.add('bulk', 0, 100 + i, null); // past the first capacity
    const seen: string[] = [];
    columns.forEachOf(
      ['a', 'missing', 'b'],
      (c, at, code, detail) => seen.push(`${c}:${at}:${code}:${detail}`),
      (c) => seen.push(`done ${c}`),
    );
    expect(seen).toEqual(['0:10:2:deed', '0:40:5:98103', 'done 0', 'done 1', '2:30:1:null', '2:20:4:deed', 'done 2']);
    expect(columns.count).toBe(70_005);
    expect(columns.span()).toEqual({ first: 5, newest: 70_099 });
  });
});
