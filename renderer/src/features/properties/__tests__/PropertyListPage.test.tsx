// @vitest-environment jsdom
import '../../../testing/setupDom.ts';
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { OperationInput } from '../../../shared/api/ipcContract.ts';
import { createFakeApiClient, sampleSyncStatus } from '../../../testing/createFakeApiClient.ts';
import { renderWithProviders } from '../../../testing/renderWithProviders.tsx';
import { SyncStatusEffect } from '../../sync-status/components/SyncStatusEffect.tsx';
import { PropertyListPage } from '../components/PropertyListPage.tsx';
import { sampleSummary } from './propertyFixtures.ts';

describe('PropertyListPage', () => {
  // jsdom lays nothing out: give the list's scroll box a screenful so the virtualiser renders rows.
  beforeEach(() => {
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(600);
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(900);
    return () => vi.restoreAllMocks();
  });

  it('lists properties as links to their pages, fetches only the rows near the screen, and searches', async () => {
    const user = userEvent.setup();
    const all = Array.from({ length: 450 }, (_, i) => sampleSummary(i));
    const client = createFakeApiClient({
      listProperties: async (input?: OperationInput<'listProperties'>) => {
        const matching = input?.search ? all.filter((p) => p.address.includes(input.search!)) : all;
        return { total: matching.length, items: matching.slice(input?.offset ?? 0, (input?.offset ?? 0) + (input?.limit ?? 100)) };
      },
    });
    renderWithProviders(<PropertyListPage />, client);

    const rows = await screen.findAllByTestId('property-row');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(40); // virtualised: a screenful, not 450
    expect(rows[0]!.getAttribute('href')).toBe('#/properties/prop-0');
    expect(rows[0]!.textContent).toContain('$500,000');
    expect(screen.getByText('450 homes with what they are worth and why.')).toBeTruthy();
    expect(client.handlers.listProperties).toHaveBeenCalledTimes(1); // page 0 only

    await user.type(screen.getByLabelText('Search properties'), '442 Maple');
    await waitFor(() => expect(screen.getAllByTestId('property-row')).toHaveLength(1));
    expect(client.handlers.listProperties).toHaveBeenLastCalledWith({ search: '442 Maple', sort: 'address', offset: 0, limit: 100 });
  });

  it('reloads when properties sync in, from an empty state', async () => {
    let items = [] as ReturnType<typeof sampleSummary>[];
    const client = createFakeApiClient({ listProperties: async () => ({ total: items.length, items }) });
    renderWithProviders(<PropertyListPage />, client);
    expect(await screen.findByText('No properties yet')).toBeTruthy();

    items = [sampleSummary(1)];
    act(() => client.emit('dataChanged', { tables: ['properties'] }));
    expect(await screen.findByTestId('property-row', {}, { timeout: 2000 })).toBeTruthy();
  });

  it('says, while empty, that a first download is still coming in', async () => {
    const client = createFakeApiClient({ listProperties: async () => ({ total: 0, items: [] }) });
    renderWithProviders(
      <>
        <SyncStatusEffect />
        <PropertyListPage />
      </>,
      client,
    );
    expect(await screen.findByText('No properties yet')).toBeTruthy();
    expect(screen.queryByText(/Still downloading/)).toBeNull(); // synced: nothing more to say

    act(() => client.emit('syncStatusChanged', sampleSyncStatus({ lastSyncAt: null, catchUp: { rowsStored: 12_400 } })));
    expect((await screen.findByRole('status')).textContent).toMatch(/Still downloading your data from the server \(12,400 rows so far\)/);

    // Offline, the download is not moving: the note would promise what is not happening.
    act(() => client.emit('syncStatusChanged', sampleSyncStatus({ online: false, lastSyncAt: null, catchUp: { rowsStored: 12_400 } })));
    await waitFor(() => expect(screen.queryByText(/Still downloading/)).toBeNull());
  });
});
