// @vitest-environment jsdom
import '../../../testing/setupDom.ts';
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeApiClient, sampleSession } from '../../../testing/createFakeApiClient.ts';
import { renderWithProviders } from '../../../testing/renderWithProviders.tsx';
import { InboxPage } from '../components/InboxPage.tsx';
import type { InboxItem, InboxView } from '../utils/inboxTypes.ts';

const item = (i: number, overrides: Partial<InboxItem> = {}): InboxItem => ({
  id: `alert-${i}`,
  contactId: `contact-${i}`,
  propertyId: null,
  type: 'sell',
  probability: 0.9 - i / 100,
  priority: i === 0 ? 'CRITICAL' : 'HIGH',
  status: 'new',
  headline: `Reason ${i}`,
  assignedAgentId: 'user-1',
  snoozedUntil: null,
  createdAt: new Date().toISOString(),
  contactName: `Contact ${i}`,
  propertyAddress: `${i} Main St`,
  ...overrides,
});

const views: InboxView[] = [
  { id: 'builtin:open', name: 'Open alerts', builtIn: true, filters: { statuses: ['new', 'viewed', 'contacted'] }, count: 3 },
  { id: 'builtin:my-new-critical', name: 'My new CRITICAL', builtIn: true, filters: { assignee: 'me', statuses: ['new'], priorities: ['CRITICAL'] }, count: 1 },
];

describe('InboxPage', () => {
  beforeEach(() => {
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(600);
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(900);
    window.location.hash = '#/inbox';
    return () => vi.restoreAllMocks();
  });

  it('lists the view’s alerts, moves with j/k, selects with x and dismisses the selection with d, offering undo', async () => {
    const user = userEvent.setup();
    const client = createFakeApiClient({
      getSession: async () => sampleSession(),
      listInboxViews: async () => views,
      listInbox: async () => ({ rows: [item(0), item(1), item(2)], nextCursor: null, total: 3 }),
    });
    renderWithProviders(<InboxPage />, client);

    const rows = await screen.findAllByTestId('alert-row');
    expect(rows).toHaveLength(3);
    expect(rows[0]!.getAttribute('href')).toBe('#/inbox/alert-0');
    expect(await screen.findByRole('tab', { name: /My new CRITICAL/ })).toBeTruthy();
    expect(client.handlers.listInbox).toHaveBeenCalledWith({ filters: { statuses: ['new', 'viewed', 'contacted'] }, limit: 50 });

    await user.keyboard('j');
    await user.keyboard('x');
    await user.keyboard('j');
    await user.keyboard('x');
    expect(await screen.findByText('2 selected')).toBeTruthy();
    await user.keyboard('d');
    await waitFor(() => expect(client.handlers.changeAlerts).toHaveBeenCalledWith({ ids: ['alert-1', 'alert-2'], action: 'dismissed' }));
    expect(await screen.findByText('2 alerts dismissed.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(client.handlers.undoAlertChanges).toHaveBeenCalledWith({ undoId: 'undo-1' }));
  });

  it('keeps the keyboard focus on the same alert when a rescore reorders the rows', async () => {
    const user = userEvent.setup();
    let rows = [item(0), item(1), item(2)];
    const client = createFakeApiClient({ listInboxViews: async () => views, listInbox: async () => ({ rows, nextCursor: null, total: 3 }) });
    renderWithProviders(<InboxPage />, client);
    await screen.findAllByTestId('alert-row');
    await user.keyboard('j');
    await waitFor(() => expect(document.activeElement?.getAttribute('href')).toBe('#/inbox/alert-1'));

    // The focused alert drops to LOW and moves to the end; alert-2 slides under the focused position.
    rows = [item(0), item(2), item(1, { priority: 'LOW', probability: 0.1 })];
    act(() => client.emit('dataChanged', { tables: ['alerts'] }));
    await waitFor(() => expect(screen.getAllByTestId('alert-row')[2]!.getAttribute('href')).toBe('#/inbox/alert-1'));
    await waitFor(() => expect(document.activeElement?.getAttribute('href')).toBe('#/inbox/alert-1'));
    await user.keyboard('e');
    await waitFor(() => expect(client.handlers.changeAlerts).toHaveBeenCalledWith({ ids: ['alert-1'], action: 'contacted' }));
  });

  it('narrows by search and switches views', async () => {
    const user = userEvent.setup();
    const client = createFakeApiClient({ listInboxViews: async () => views, listInbox: async () => ({ rows: [item(0)], nextCursor: null, total: 1 }) });
    renderWithProviders(<InboxPage />, client);
    await screen.findAllByTestId('alert-row');
    await user.type(screen.getByLabelText('Search alerts'), 'maple');
    await waitFor(() => expect(client.handlers.listInbox).toHaveBeenLastCalledWith({ filters: { statuses: ['new', 'viewed', 'contacted'], search: 'maple' }, limit: 50 }));
    await user.click(await screen.findByRole('tab', { name: /My new CRITICAL/ }));
    await waitFor(() =>
      expect(client.handlers.listInbox).toHaveBeenLastCalledWith({ filters: { assignee: 'me', statuses: ['new'], priorities: ['CRITICAL'], search: 'maple' }, limit: 50 }),
    );
  });

  it('says so when there is nothing to do', async () => {
    const client = createFakeApiClient({ listInboxViews: async () => views });
    renderWithProviders(<InboxPage />, client);
    expect(await screen.findByText('No open alerts')).toBeTruthy();
  });

  it('shows a clear message for an alert that is not on this device', async () => {
    window.location.hash = '#/inbox/3f2b8c1e-9d4a-4e6b-8f1a-2c3d4e5f6a7b';
    const client = createFakeApiClient({ listInboxViews: async () => views });
    renderWithProviders(<InboxPage />, client);
    expect((await screen.findByTestId('alert-open-error')).textContent).toContain('not on this device');
  });
});
