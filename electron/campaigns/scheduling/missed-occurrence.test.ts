// The catch-up rule for recurring campaigns: only the latest passed occurrence, only when nothing covered it.
import { describe, expect, it } from 'vitest';
import { missedOccurrence } from './missed-occurrence.ts';

const at = (iso: string) => new Date(iso);

describe('missed occurrences of a recurring campaign', () => {
  it('gives the latest occurrence that passed after the last covered time, once', () => {
    // Daily at 09:00 UTC; last sent Monday 09:00; the app reopens Thursday 10:30: only Thursday's run is due.
    expect(missedOccurrence('0 9 * * *', 'UTC', at('2026-04-02T10:30:00Z'), at('2026-03-30T09:00:05Z'))).toEqual(at('2026-04-02T09:00:00Z'));
    // Once that occurrence is covered (queued or sent), nothing more.
    expect(missedOccurrence('0 9 * * *', 'UTC', at('2026-04-02T10:30:00Z'), at('2026-04-02T09:00:00Z'))).toBeNull();
    // Scheduled after the latest occurrence: nothing was missed.
    expect(missedOccurrence('0 9 * * *', 'UTC', at('2026-04-02T10:30:00Z'), at('2026-04-02T09:30:00Z'))).toBeNull();
    // An occurrence exactly now counts as passed.
    expect(missedOccurrence('0 9 * * *', 'UTC', at('2026-04-02T09:00:00Z'), at('2026-04-01T12:00:00Z'))).toEqual(at('2026-04-02T09:00:00Z'));
  });

  it('reads the expression in the campaign’s time zone, with seconds when given; invalid expressions are never due', () => {
    // Mondays 09:00 in Seattle (UTC-7 in April) = 16:00 UTC.
    expect(missedOccurrence('0 9 * * 1', 'America/Los_Angeles', at('2026-04-09T12:00:00Z'), at('2026-04-01T00:00:00Z'))).toEqual(at('2026-04-06T16:00:00Z'));
    expect(missedOccurrence('*/30 * * * * *', 'UTC', at('2026-04-02T10:00:45Z'), null)).toEqual(at('2026-04-02T10:00:30Z'));
    expect(missedOccurrence('not a cron', 'UTC', at('2026-04-02T10:00:00Z'), null)).toBeNull();
  });
});
