// Catch-up for recurring campaigns. node-cron only fires while the app runs, so an occurrence that fell
// due while the app was closed would never be sent. At start (and every scheduler tick) the cron
// expression's latest occurrence at or before now is compared with what already covered it: if nothing
// did, that one occurrence is due — the latest only, never one per missed slot (a weekly newsletter
// missed for three weeks goes out once, not three times).
import { CronExpressionParser } from 'cron-parser';

/**
 * The latest occurrence of `cron` (in `timezone`) at or before `now`, when it is later than `coveredUntil`
 * (the newest of: the last run's start, the last occurrence already queued, the time the schedule was
 * set); null when there is none or it is already covered. Invalid expressions give null.
 */
export function missedOccurrence(cron: string, timezone: string, now: Date, coveredUntil: Date | null): Date | null {
  let previous: Date;
  try {
    // +1 s: an occurrence exactly at `now` counts as passed.
    previous = CronExpressionParser.parse(cron, { currentDate: new Date(now.getTime() + 1000), tz: timezone }).prev().toDate();
  } catch {
    return null;
  }
  if (coveredUntil && previous.getTime() <= coveredUntil.getTime()) return null;
  return previous;
}
