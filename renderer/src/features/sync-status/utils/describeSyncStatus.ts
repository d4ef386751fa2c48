import type { SyncStatus } from '../../../shared/api/ipcContract.ts';
import { formatRelativeTime } from '../../../shared/utils/formatRelativeTime.ts';

export type SyncTone = 'synced' | 'syncing' | 'pending' | 'offline' | 'error' | 'unknown';

export type SyncStatusDescription = {
  tone: SyncTone;
  /** A word or two for the header: "Synced", "Syncing · 12,400 rows", "3 pending", "Offline". */
  label: string;
  /** "Last synced 5 minutes ago" / "Never synced" / null when unknown. */
  lastSync: string | null;
  /** Every line of detail, for the tooltip and the accessible name. */
  details: string[];
};

const plural = (count: number, one: string, many: string): string => `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;

export function describeSyncStatus(status: SyncStatus | null, loadError: string | null, now: number): SyncStatusDescription {
  if (!status) {
    return loadError
      ? { tone: 'unknown', label: 'Sync unknown', lastSync: null, details: [`Could not read the sync status: ${loadError}`] }
      : { tone: 'unknown', label: 'Checking sync…', lastSync: null, details: ['Reading the sync status…'] };
  }

  const relative = status.lastSyncAt ? formatRelativeTime(status.lastSyncAt, now) : null;
  const lastSync = status.lastSyncAt ? `Last synced ${relative ?? 'at an unknown time'}` : 'Never synced';
  const details: string[] = [status.online ? 'Connected to the sync server' : 'Offline: changes are saved on this computer'];
  if (status.pendingChanges > 0) details.push(`${plural(status.pendingChanges, 'change', 'changes')} waiting to sync`);
  if (status.failedChanges > 0) details.push(`${plural(status.failedChanges, 'change', 'changes')} failed to sync`);
  if (status.pendingChanges === 0 && status.failedChanges === 0) details.push('No changes waiting');
  if (status.catchUp) {
    details.push(
      status.catchUp.rowsStored > 0
        ? `Downloading from the server: ${plural(status.catchUp.rowsStored, 'row', 'rows')} so far`
        : 'Downloading from the server…',
    );
  }
  details.push(lastSync);
  if (status.error) details.push(`Error: ${status.error}`);

  let tone: SyncTone;
  let label: string;
  // Refused changes need the user; otherwise being offline explains any error (a push that could not
  // reach the server), and the calmer "Offline · N pending" is the truth.
  if (status.failedChanges > 0) {
    tone = 'error';
    label = `${status.failedChanges} failed`;
  } else if (!status.online) {
    tone = 'offline';
    label = status.pendingChanges > 0 ? `Offline · ${status.pendingChanges} pending` : 'Offline';
  } else if (status.error) {
    tone = 'error';
    label = 'Sync error';
  } else if (status.catchUp) {
    // A first sign-in downloads everything: lists fill as rows arrive, and this says they are still coming.
    tone = 'syncing';
    label = status.catchUp.rowsStored > 0 ? `Syncing · ${plural(status.catchUp.rowsStored, 'row', 'rows')}` : 'Syncing…';
  } else if (status.pendingChanges > 0) {
    tone = 'pending';
    label = `${status.pendingChanges} pending`;
  } else {
    tone = 'synced';
    // "Synced" next to "Never synced" would contradict itself (a new device before its first sync).
    label = status.lastSyncAt ? 'Synced' : 'Online';
  }
  return { tone, label, lastSync, details };
}
