export const STAGE_LABELS: Record<string, string> = {
  lead: 'Lead',
  prospect: 'Prospect',
  active: 'Active',
  past_client: 'Past client',
  sphere: 'Sphere',
  archived: 'Archived',
};
export const STAGE_COLORS: Record<string, string> = { lead: 'blue', prospect: 'cyan', active: 'green', past_client: 'grape', sphere: 'orange', archived: 'gray' };
export const STAGE_OPTIONS = Object.entries(STAGE_LABELS).map(([value, label]) => ({ value, label }));

export const ACTIVITY_LABELS: Record<string, string> = { call: 'Call', meeting: 'Meeting', email: 'Email', showing: 'Showing', text: 'Text', status_change: 'Change' };

export const formatScore = (score: number | null): string => (score === null ? '—' : `${Math.round(score * 100)}%`);

export function formatDateTime(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDate(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleDateString(undefined, { dateStyle: 'medium' });
}

/** <input type="datetime-local"> value (local time) ↔ ISO UTC. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
