import { describe, expect, it } from 'vitest';
import { describeSyncStatus } from '../utils/describeSyncStatus.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const status = { online: true, pendingChanges: 0, failedChanges: 0, lastSyncAt: '2026-03-01T11:58:00Z', error: null, catchUp: null };

describe('describeSyncStatus', () => {
  it('is "Checking sync…" before anything arrived', () => {
    expect(describeSyncStatus(null, null, NOW)).toMatchObject({ tone: 'unknown', label: 'Checking sync…', lastSync: null });
  });

  it('names the tone by precedence: refused changes, then offline, then error, then pending, then synced', () => {
    expect(describeSyncStatus({ ...status, online: false, failedChanges: 2, error: 'boom' }, null, NOW)).toMatchObject({ tone: 'error', label: '2 failed' });
    // Offline explains a push that could not reach the server: no alarming "Sync error" for that.
    expect(describeSyncStatus({ ...status, online: false, pendingChanges: 2, error: 'fetch failed' }, null, NOW)).toMatchObject({
      tone: 'offline',
      label: 'Offline · 2 pending',
    });
    expect(describeSyncStatus({ ...status, error: 'boom' }, null, NOW)).toMatchObject({ tone: 'error', label: 'Sync error' });
    expect(describeSyncStatus({ ...status, online: false, pendingChanges: 1 }, null, NOW)).toMatchObject({
      tone: 'offline',
      label: 'Offline · 1 pending',
    });
    expect(describeSyncStatus({ ...status, pendingChanges: 12 }, null, NOW)).toMatchObject({ tone: 'pending', label: '12 pending' });
    expect(describeSyncStatus(status, null, NOW)).toMatchObject({ tone: 'synced', label: 'Synced', lastSync: 'Last synced 2 minutes ago' });
  });

  it('says the device is still downloading while it catches up, with the rows so far', () => {
    const first = { ...status, lastSyncAt: null };
    expect(describeSyncStatus({ ...first, catchUp: { rowsStored: 0 } }, null, NOW)).toMatchObject({ tone: 'syncing', label: 'Syncing…', lastSync: 'Never synced' });
    const { label, details } = describeSyncStatus({ ...first, catchUp: { rowsStored: 184_312 } }, null, NOW);
    expect(label).toBe('Syncing · 184,312 rows');
    expect(details).toContain('Downloading from the server: 184,312 rows so far');
    // Pending edits still show in the details; the label tells the bigger news.
    expect(describeSyncStatus({ ...status, pendingChanges: 2, catchUp: { rowsStored: 1 } }, null, NOW)).toMatchObject({ tone: 'syncing', label: 'Syncing · 1 row' });
    // Offline, an error or refused changes say more than a download that is not moving.
    expect(describeSyncStatus({ ...status, online: false, catchUp: { rowsStored: 500 } }, null, NOW)).toMatchObject({ tone: 'offline' });
    expect(describeSyncStatus({ ...status, error: 'boom', catchUp: { rowsStored: 500 } }, null, NOW)).toMatchObject({ tone: 'error' });
    expect(describeSyncStatus({ ...status, failedChanges: 1, catchUp: { rowsStored: 500 } }, null, NOW)).toMatchObject({ label: '1 failed' });
  });

  it('says "Online", not "Synced", before the first sync', () => {
    expect(describeSyncStatus({ ...status, lastSyncAt: null }, null, NOW)).toMatchObject({ tone: 'synced', label: 'Online', lastSync: 'Never synced' });
  });

  it('uses singular and plural in the details', () => {
    const { details } = describeSyncStatus({ ...status, pendingChanges: 1, failedChanges: 2 }, null, NOW);
    expect(details).toContain('1 change waiting to sync');
    expect(details).toContain('2 changes failed to sync');
  });

  it('copes with a timestamp it cannot read and with clocks slightly ahead', () => {
    expect(describeSyncStatus({ ...status, lastSyncAt: 'not a date' }, null, NOW).lastSync).toBe('Last synced at an unknown time');
    expect(describeSyncStatus({ ...status, lastSyncAt: '2026-03-01T12:00:30Z' }, null, NOW).lastSync).toBe('Last synced just now');
  });
});
