// The event-time parser of the alert worker's reader: its fast path must give exactly what Date.parse gives.
import { describe, expect, it } from 'vitest';
import { parseEventTime } from './alert-inputs.ts';

describe('parseEventTime', () => {
  it('gives Date.parse for the stored form and everything else', () => {
    const samples = [
      '2015-05-31T23:59:59.999Z',
      '2015-01-01T00:00:00.000Z',
      '1999-12-28T12:34:56.789Z',
      '2024-02-29T10:00:00.000Z', // past the 28th: Date.parse itself
      '2015-02-30T00:00:00.000Z',
      '2015-13-01T00:00:00.000Z',
      '2015-00-10T00:00:00.000Z',
      '2015-01-10T24:00:00.000Z',
      '2015-01-10T10:60:00.000Z',
      '2015-01-10T10:00:00.000+02:00',
      '2015-01-10T10:00:00Z',
      '2015-01-10',
      '2015-01-10 10:00:00',
      '2015-0a-10T10:00:00.000Z',
      'not a time',
      '',
    ];
    for (let i = 0; i < 2000; i++) samples.push(new Date(Date.UTC(1990, 0, 1) + Math.floor(Math.random() * 40 * 365 * 86_400_000)).toISOString());
    for (const text of samples) expect(Object.is(parseEventTime(text), Date.parse(text)), text).toBe(true);
  });
});
