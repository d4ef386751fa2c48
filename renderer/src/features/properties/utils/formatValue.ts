// Numbers as an agent reads them on a property page: whole dollars, compact thousands in tight spots.

const dollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const compactDollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1 });
const plain = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export const formatMoney = (value: number | null | undefined): string => (value === null || value === undefined ? '—' : dollars.format(value));

export const formatCompactMoney = (value: number | null | undefined): string =>
  value === null || value === undefined ? '—' : compactDollars.format(value);

/** A signed dollar change: "+$12,300", "−$4,000", "$0". */
export function formatMoneyChange(value: number): string {
  const rounded = Math.round(value);
  if (rounded === 0) return '$0';
  return `${rounded > 0 ? '+' : '−'}${dollars.format(Math.abs(rounded))}`;
}

export const formatNumber = (value: number | null | undefined): string => (value === null || value === undefined ? '—' : plain.format(value));

export function formatPercent(value: number | null | undefined, digits = 1, signed = false): string {
  if (value === null || value === undefined) return '—';
  const text = `${Math.abs(value).toFixed(digits)}%`;
  if (!signed) return value < 0 ? `−${text}` : text;
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : text;
}

/** "2015-03-01" → "Mar 1, 2015" (dates are calendar dates: no time-zone shift). */
export function formatDate(date: string | null | undefined): string {
  if (!date) return '—';
  const [year, month, day] = date.slice(0, 10).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day)).toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
}

/** "2015-03" or a date → "Mar 2015". */
export function formatMonth(date: string): string {
  const [year, month] = date.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month - 1, 1)).toLocaleDateString('en-US', { year: 'numeric', month: 'short', timeZone: 'UTC' });
}

/** Calendar date → milliseconds, for charts' time axes. */
export const dateToMs = (date: string): number => Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
