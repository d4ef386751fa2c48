// @vitest-environment jsdom
import '../../testing/setupDom.ts';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetSessionState } from '../../features/session/states/sessionState.ts';
import { apiError, createFakeApiClient, sampleSession, sampleSyncStatus } from '../../testing/createFakeApiClient.ts';
import { App } from '../App.tsx';

beforeEach(() => resetSessionState());

const renderApp = (client = createFakeApiClient()) => {
  render(<App client={client} env="test" />);
  return client;
};

const signedInAs = (role: 'agent' | 'manager' = 'agent', offline = false) =>
  createFakeApiClient({ getSession: async () => sampleSession({ role, offline }) });

const currentHeading = () => screen.getByRole('heading', { level: 1 }).textContent;

describe('App', () => {
  it('shows the sign-in screen when there is no session', async () => {
    renderApp();
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(screen.getByLabelText('Email')).toBeTruthy();
    expect(screen.queryByRole('navigation', { name: 'Main' })).toBeNull();
  });

  it('offers a retry when the session cannot be read at start', async () => {
    const client = createFakeApiClient({
      getSession: async () => {
        throw apiError('server_unreachable', "Can't reach ROI Desk at ws://localhost/ipc. Check that ROI Desk is running, then try again.");
      },
    });
    renderApp(client);
    expect(await screen.findByText(/Can't reach ROI Desk at ws:\/\/localhost\/ipc/)).toBeTruthy();

    client.handlers.getSession.mockResolvedValueOnce(sampleSession());
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('navigation', { name: 'Main' })).toBeTruthy();
  });

  it('opens on the Inbox with the user, sync status and navigation in the frame', async () => {
    renderApp(signedInAs('agent'));
    expect(await screen.findByRole('navigation', { name: 'Main' })).toBeTruthy();
    expect(currentHeading()).toBe('Inbox');
    expect(screen.getByRole('banner')).toBeTruthy();
    expect(screen.getByRole('main')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Account: Avery Quinn' })).toBeTruthy();
    expect(await screen.findByText('Synced')).toBeTruthy();
    expect(screen.queryByTestId('offline-start-banner')).toBeNull();
    expect(document.title).toBe('Inbox · ROI Desk');
  });

  it('switches pages with "g" then a letter and with Ctrl+number, but not while typing', async () => {
    renderApp(signedInAs('manager'));
    await screen.findByRole('navigation', { name: 'Main' });

    fireEvent.keyDown(window, { key: 'g', code: 'KeyG' });
    fireEvent.keyDown(window, { key: 'c', code: 'KeyC' });
    await waitFor(() => expect(currentHeading()).toBe('Contacts'));

    fireEvent.keyDown(window, { key: '6', code: 'Digit6', ctrlKey: true });
    await waitFor(() => expect(currentHeading()).toBe('Team'));

    const input = document.createElement('input');
    document.body.append(input);
    fireEvent.keyDown(input, { key: 'g', code: 'KeyG' });
    fireEvent.keyDown(input, { key: 's', code: 'KeyS' });
    expect(currentHeading()).toBe('Team');
    input.remove();

    fireEvent.keyDown(window, { key: '?', code: 'Slash', shiftKey: true });
    expect(await screen.findByTestId('shortcuts-help')).toBeTruthy();
  });

  it('numbers the shortcuts by the pages the role sees', async () => {
    renderApp(signedInAs('agent'));
    await screen.findByRole('navigation', { name: 'Main' });
    fireEvent.keyDown(window, { key: '6', code: 'Digit6', ctrlKey: true });
    await waitFor(() => expect(currentHeading()).toBe('Settings'));
  });

  it('shows the offline-start banner while the session is the remembered one', async () => {
    const client = renderApp(signedInAs('agent', true));
    expect((await screen.findByTestId('offline-start-banner')).textContent).toContain('sync.brokerage.test');

    act(() => client.emit('sessionChanged', sampleSession({ offline: false })));
    expect(screen.queryByTestId('offline-start-banner')).toBeNull();
  });

  it('shows a reconnecting banner while the browser-mode socket is down, and refetches once back', async () => {
    const client = renderApp(signedInAs());
    await screen.findByText('Synced');
    expect(screen.queryByTestId('connection-lost-banner')).toBeNull();

    act(() => client.setConnected(false));
    expect(screen.getByTestId('connection-lost-banner').textContent).toContain('Reconnecting to ROI Desk');

    client.handlers.getSyncStatus.mockResolvedValueOnce(sampleSyncStatus({ pendingChanges: 5 }));
    act(() => client.setConnected(true));
    expect(screen.queryByTestId('connection-lost-banner')).toBeNull();
    expect(await screen.findByText('5 pending')).toBeTruthy();
    expect(client.handlers.getSession).toHaveBeenCalledTimes(2);
  });

  it('returns to sign-in with a notice when the session ends on its own (device revoked)', async () => {
    const client = renderApp(signedInAs());
    await screen.findByRole('navigation', { name: 'Main' });

    act(() => client.emit('sessionChanged', null));
    expect(await screen.findByTestId('session-ended-notice')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
  });

  it('asks before signing out, mentioning unsynced changes, then says they were kept', async () => {
    const client = createFakeApiClient({
      getSession: async () => sampleSession(),
      getSyncStatus: async () => sampleSyncStatus({ pendingChanges: 2, failedChanges: 1 }),
      signOut: async () => ({ pendingChangesKept: 3 }),
    });
    renderApp(client);
    await screen.findByText('1 failed');
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'Account: Avery Quinn' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Sign out…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Sign out of ROI Desk?' });
    expect(within(dialog).getByTestId('unsynced-changes-warning').textContent).toContain('3 changes have not synced yet');

    await user.click(within(dialog).getByRole('button', { name: 'Sign out' }));
    expect(client.handlers.signOut).toHaveBeenCalledOnce();
    expect((await screen.findByTestId('signed-out-notice')).textContent).toContain('3 unsynced changes were kept');
    // The main process also reports the sign-out; it must not turn into a "you were signed out" notice.
    act(() => client.emit('sessionChanged', null));
    expect(screen.queryByTestId('session-ended-notice')).toBeNull();
  });

  it('keeps the user signed in and shows why when sign-out fails', async () => {
    const client = createFakeApiClient({
      getSession: async () => sampleSession(),
      signOut: async () => {
        throw apiError('internal', 'Something went wrong in signOut; details are in the app log.');
      },
    });
    renderApp(client);
    await screen.findByText('Synced');
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'Account: Avery Quinn' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Sign out…' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('All your changes have synced.')).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Sign out' }));

    expect(await within(dialog).findByText(/details are in the app log/)).toBeTruthy();
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeTruthy();
  });

  it('opens the inbox on an alert when a notification is clicked', async () => {
    const client = renderApp(signedInAs());
    await screen.findByRole('navigation', { name: 'Main' });
    window.location.hash = '#/contacts';
    await waitFor(() => expect(currentHeading()).toBe('Contacts'));

    act(() => client.emit('openAlert', { alertId: 'alert-7' }));
    await waitFor(() => expect(currentHeading()).toBe('Inbox'));
    expect(window.location.hash).toBe('#/inbox/alert-7');
  });

  it('toggles between light and dark and remembers the choice', async () => {
    renderApp(signedInAs());
    await screen.findByRole('navigation', { name: 'Main' });
    await userEvent.click(await screen.findByRole('button', { name: 'Switch to dark theme' }));
    expect(document.documentElement.getAttribute('data-mantine-color-scheme')).toBe('dark');
    expect(window.localStorage.getItem('roi-desk:color-scheme')).toBe('dark');
    expect(screen.getByRole('button', { name: 'Switch to light theme' })).toBeTruthy();
  });
});
