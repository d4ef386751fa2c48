const formatter = new Intl.RelativeTimeFormat('en', { numeric: 'auto', style: 'long' });

const STEPS: ReadonlyArray<readonly [Intl.RelativeTimeFormatUnit, number]> = [
  ['minute', 60],
  ['hour', 60 * 60],
  ['day', 24 * 60 * 60],
  ['week', 7 * 24 * 60 * 60],
  ['month', 30 * 24 * 60 * 60],
  ['year', 365 * 24 * 60 * 60],
];

/** "just now", "3 minutes ago", "yesterday"… for an ISO timestamp; null when it cannot be read. */
export function formatRelativeTime(isoTimestamp: string, now: number): string | null {
  const then = Date.parse(isoTimestamp);
  if (Number.isNaN(then)) return null;
  const seconds = Math.round((then - now) / 1000);
  // Clocks of two machines disagree by a few seconds; a timestamp "in the future" is just now.
  if (Math.abs(seconds) < 45 || (seconds > 0 && seconds < 120)) return 'just now';
  let unit: Intl.RelativeTimeFormatUnit = 'second';
  let size = 1;
  for (const [candidate, candidateSize] of STEPS) {
    if (Math.abs(seconds) < candidateSize) break;
    unit = candidate;
    size = candidateSize;
  }
  return formatter.format(Math.round(seconds / size), unit);
}
