// Tells machine opens from human ones. The brokerage sends every contact a newsletter on the first Tuesday
// and a market report on the third Thursday of each month, at 16:00 UTC; some mail clients (and security
// scanners) open every message within minutes of delivery. In the engagement data ~70% of opens land in
// the first 10 minutes after a send and almost no clicks do, so such opens say nothing about intent.
import { DAY_MS } from './intent-inputs.ts';

const SEND_HOUR_MS = 16 * 3_600_000;
/** Opens this soon after a send count as automatic (human opens rarely come faster; bots rarely slower). */
export const AUTO_OPEN_WINDOW_MS = 15 * 60_000;

const TUESDAY = 2;
const THURSDAY = 4;

/** Day of month (1-based) of the n-th given weekday in a month. */
function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  const firstWeekday = new Date(Date.UTC(year, month, 1)).getUTCDay();
  return 1 + ((weekday - firstWeekday + 7) % 7) + 7 * (n - 1);
}

/** True when an open happened within AUTO_OPEN_WINDOW_MS after one of the month's two campaign sends. */
export function isAutomaticOpen(at: number): boolean {
  const sinceSendHour = (((at % DAY_MS) + DAY_MS) % DAY_MS) - SEND_HOUR_MS;
  if (sinceSendHour < 0 || sinceSendHour >= AUTO_OPEN_WINDOW_MS) return false; // the cheap test rules out nearly every event
  const date = new Date(at);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  return day === nthWeekday(year, month, TUESDAY, 1) || day === nthWeekday(year, month, THURSDAY, 3);
}
