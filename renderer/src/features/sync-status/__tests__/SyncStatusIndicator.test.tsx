// @vitest-environment jsdom
import '../../../testing/setupDom.ts';
import { act, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, createFakeApiClient, sampleSyncStatus, type FakeApiClient } from '../../../testing/createFakeApiClient.ts';
import { renderWithProviders } from '../../../testing/renderWithProviders.tsx';
import { SyncStatusEffect } from '../components/SyncStatusEffect.tsx';
import { SyncStatusIndicator } from '../components/SyncStatusIndicator.tsx';
import { useSyncStatusState } from '../states/syncStatusState.ts';

function renderIndicator(client: FakeApiClient) {
  return renderWithProviders(
    <>
      <SyncStatusEffect />
      <SyncStatusIndicator />
    </>,
    client,
  );
}

const indicator = () => screen.getByTestId('sync-status');

describe('SyncStatusIndicator', () => {
  it('shows the status from getSyncStatus with the time of the last sync', async () => {
    renderIndicator(createFakeApiClient());

    expect(await screen.findByText('Synced')).toBeTruthy();
    expect(indicator().getAttribute('data-sync-tone')).toBe('synced');
    expect(screen.getByText('Last synced 5 minutes ago')).toBeTruthy();
    expect(indicator().getAttribute('aria-label')).toBe(
      'Sync status: Connected to the sync server. No changes waiting. Last synced 5 minutes ago',
    );
  });

  it('follows syncStatusChanged events: offline with pending changes, then an error', async () => {
    const client = createFakeApiClient();
    renderIndicator(client);
    await screen.findByText('Synced');

    act(() => client.emit('syncStatusChanged', sampleSyncStatus({ online: false, pendingChanges: 3, lastSyncAt: null })));
    expect(screen.getByText('Offline · 3 pending')).toBeTruthy();
    expect(indicator().getAttribute('data-sync-tone')).toBe('offline');
    expect(screen.getByText('Never synced')).toBeTruthy();
    expect(indicator().getAttribute('aria-label')).toContain('3 changes waiting to sync');

    act(() =>
      client.emit('syncStatusChanged', sampleSyncStatus({ failedChanges: 1, error: 'The server rejected a change to contact c-42.' })),
    );
    expect(screen.getByText('1 failed')).toBeTruthy();
    expect(indicator().getAttribute('data-sync-tone')).toBe('error');
    expect(indicator().getAttribute('aria-label')).toContain('Error: The server rejected a change to contact c-42.');
  });

  it('shows the details in a tooltip when focused from the keyboard', async () => {
    const client = createFakeApiClient({ getSyncStatus: async () => sampleSyncStatus({ pendingChanges: 2 }) });
    renderIndicator(client);
    await screen.findByText('2 pending');

    act(() => indicator().focus());
    expect((await screen.findByRole('tooltip')).textContent).toContain('2 changes waiting to sync');
  });

  it('says the status is unknown when getSyncStatus fails, and recovers on the next event', async () => {
    const client = createFakeApiClient({
      getSyncStatus: async () => {
        throw apiError('internal', 'Something went wrong in getSyncStatus; details are in the app log.');
      },
    });
    renderIndicator(client);

    expect(await screen.findByText('Sync unknown')).toBeTruthy();
    expect(indicator().getAttribute('aria-label')).toContain('details are in the app log');

    act(() => client.emit('syncStatusChanged', sampleSyncStatus()));
    expect(screen.getByText('Synced')).toBeTruthy();
  });

  it('refetches after the transport reconnects, and forgets the status when unmounted', async () => {
    const client = createFakeApiClient();
    const { unmount } = renderIndicator(client);
    await screen.findByText('Synced');
    client.handlers.getSyncStatus.mockResolvedValueOnce(sampleSyncStatus({ pendingChanges: 4 }));

    act(() => client.reconnect());
    expect(await screen.findByText('4 pending')).toBeTruthy();

    unmount();
    expect(useSyncStatusState.getState().status).toBeNull();
  });

  it('lists the changes the server refused, with its reasons, and dismisses them', async () => {
    const client = createFakeApiClient({
      getSyncStatus: async () => sampleSyncStatus({ failedChanges: 1 }),
      listRejectedChanges: async () => [
        { id: 7, tableName: 'contacts', op: 'update', rowId: 'c1', changes: '{"assigned_agent_id":"u2"}', reason: 'only a manager can assign work to someone else', at: '2026-11-22T10:00:00.000Z' },
      ],
      dismissRejectedChange: async () => ({ dismissed: true }),
    });
    renderIndicator(client);
    await screen.findByTestId('sync-status');
    act(() => indicator().click());
    expect(await screen.findByText('Contact changed: assigned agent id → u2')).toBeTruthy();
    expect(screen.getByText(/only a manager can assign work to someone else/)).toBeTruthy();
    act(() => screen.getByRole('button', { name: 'Dismiss' }).click());
    expect(await screen.findByText(/Nothing was refused/)).toBeTruthy();
    expect(client.handlers.dismissRejectedChange).toHaveBeenCalledWith({ id: 7 });
  });
});
