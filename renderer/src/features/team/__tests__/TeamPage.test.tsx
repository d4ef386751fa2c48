// @vitest-environment jsdom
import '../../../testing/setupDom.ts';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../shared/api/ApiError.ts';
import type { OperationInput, OperationOutput } from '../../../shared/api/ipcContract.ts';
import { createFakeApiClient, type FakeApiClient } from '../../../testing/createFakeApiClient.ts';
import { renderWithProviders } from '../../../testing/renderWithProviders.tsx';
import { TeamPage } from '../components/TeamPage.tsx';

// jsdom has no canvas: charts render as their accessible image, which is what these tests read.
vi.mock('react-chartjs-2', () => {
  const chart = (props: { 'aria-label'?: string }) => <canvas role="img" aria-label={props['aria-label']} />;
  return { Bar: chart };
});

type Overview = OperationOutput<'getTeamOverview'>;
type RoutingState = OperationOutput<'getRoutingSettings'>;

const zeros = { sell: 0, buy: 0, refinance: 0, investment: 0 };

const sampleOverview = (overrides: Partial<Overview> = {}): Overview => ({
  period: '90',
  since: '2025-12-18T12:00:00.000Z',
  agents: [
    { id: 'agent-a', name: 'Avery', email: 'a@x.test', role: 'agent', active: true, territories: ['98101'], openAlerts: 2, openCritical: 1, escalatedOpen: 1 },
    { id: 'agent-b', name: 'Blake', email: 'b@x.test', role: 'agent', active: true, territories: [], openAlerts: 0, openCritical: 0, escalatedOpen: 0 },
  ],
  unassignedOpen: 3,
  leaderboard: [
    { agentId: 'agent-b', name: 'Blake', assigned: 3, handled: 2, conversions: 1, conversionRate: 1 / 3, medianResponseMinutes: 10 },
    { agentId: 'agent-a', name: 'Avery', assigned: 3, handled: 2, conversions: 1, conversionRate: 1 / 3, medianResponseMinutes: 150 },
  ],
  teamMedianResponseMinutes: 30,
  conversionByType: [
    { type: 'sell', alerts: 3, converted: 1, rate: 1 / 3 },
    { type: 'buy', alerts: 3, converted: 0, rate: 0 },
    { type: 'refinance', alerts: 1, converted: 1, rate: 1 },
    { type: 'investment', alerts: 1, converted: 0, rate: 0 },
  ],
  funnel: [
    { stage: 'alerts', count: 8 },
    { stage: 'viewed', count: 6 },
    { stage: 'contacted', count: 3 },
    { stage: 'appointment', count: 3 },
    { stage: 'converted', count: 2 },
  ],
  volumeByWeek: [
    { week: '2026-03-09', counts: { ...zeros, sell: 1 } },
    { week: '2026-03-16', counts: { ...zeros, buy: 2 } },
  ],
  escalated: [
    { id: 'a3', contactName: 'Ada Lovelace', type: 'buy', priority: 'CRITICAL', assignedAgentId: 'agent-a', assignedName: 'Avery', createdAt: '2026-03-17T12:00:00.000Z', escalatedAt: '2026-03-18T11:00:00.000Z' },
  ],
  ...overrides,
});

const routingState = (routing: Partial<RoutingState['routing']> = {}): RoutingState => ({
  routing: { mode: 'manual', fallback: 'round_robin', escalateAfterMinutes: 60, ...routing },
  agents: [{ id: 'agent-a', name: 'Avery', email: 'a@x.test', territories: ['98101'], openAlerts: 2 }],
});

/** The shared fake lists only the app's first operations: the team's are added here. */
function teamClient(options: { overview?: () => Promise<Overview>; routing?: () => Promise<RoutingState> } = {}): FakeApiClient {
  const client = createFakeApiClient();
  client.handlers.getTeamOverview = vi.fn(options.overview ?? (async () => sampleOverview()));
  client.handlers.getRoutingSettings = vi.fn(options.routing ?? (async () => routingState()));
  client.handlers.saveRoutingSettings = vi.fn(async (input?: OperationInput<'saveRoutingSettings'>) => ({ ...routingState(), routing: input! }));
  client.handlers.reassignOpenAlerts = vi.fn(async (input?: OperationInput<'reassignOpenAlerts'>) => ({
    alertIds: input?.alertIds ?? ['a2', 'a3'],
    fromAgentId: input!.fromAgentId,
    toAgentId: input!.toAgentId,
  }));
  return client;
}

describe('TeamPage', () => {
  it('shows workloads, escalations, the leaderboard and the funnel of the chosen period', async () => {
    const user = userEvent.setup();
    const client = teamClient();
    renderWithProviders(<TeamPage />, client);

    const workload = await screen.findByRole('table', { name: 'Open alerts per agent' });
    expect(within(workload).getAllByRole('row').map((row) => row.textContent)).toEqual([
      expect.stringContaining('Agent'),
      expect.stringMatching(/^Avery211/),
      expect.stringMatching(/^Blake000/),
      expect.stringMatching(/^Unassigned3/),
    ]);
    const leaderboard = screen.getByRole('table', { name: 'Agent leaderboard' });
    expect(within(leaderboard).getAllByRole('row')[1]!.textContent).toBe('1Blake3210 min133%');
    expect(within(leaderboard).getAllByRole('row')[2]!.textContent).toContain('2.5 h');
    expect(screen.getByTestId('funnel-summary').textContent).toBe('Alerts 8 → Viewed 6 → Contacted 3 → Appointment 3 → Converted 2');
    expect(within(screen.getByRole('table', { name: 'Escalated alerts' })).getByText('Ada Lovelace')).toBeTruthy();
    expect(screen.getByRole('img', { name: /Conversion by type: Sell 1 of 3 \(33%\)/ })).toBeTruthy();
    expect(client.handlers.getTeamOverview).toHaveBeenLastCalledWith({ period: '90' });

    await user.click(screen.getByRole('radio', { name: '12 months' }));
    await waitFor(() => expect(client.handlers.getTeamOverview).toHaveBeenLastCalledWith({ period: '365' }));
  });

  it('reloads when alerts sync in', async () => {
    const client = teamClient();
    renderWithProviders(<TeamPage />, client);
    await screen.findByRole('table', { name: 'Open alerts per agent' });
    expect(client.handlers.getTeamOverview).toHaveBeenCalledTimes(1);
    act(() => client.emit('dataChanged', { tables: ['alerts'] }));
    await waitFor(() => expect(client.handlers.getTeamOverview).toHaveBeenCalledTimes(2), { timeout: 2000 });
  });

  it('reassigns an agent’s open alerts after asking to whom, and undoes it', async () => {
    const user = userEvent.setup();
    const client = teamClient();
    renderWithProviders(<TeamPage />, client);

    await user.click(await screen.findByRole('button', { name: 'Reassign Avery’s 2 open alerts' }));
    const dialog = await screen.findByRole('dialog', { name: 'Reassign Avery’s alerts' });
    // Nothing moves until a target is chosen.
    await user.click(within(dialog).getByRole('button', { name: 'Move 2 open alerts' }));
    expect(await within(dialog).findByText('Choose who takes the alerts.')).toBeTruthy();
    expect(client.handlers.reassignOpenAlerts).not.toHaveBeenCalled();

    await user.selectOptions(within(dialog).getByLabelText('Hand them to'), 'agent-b');
    await user.click(within(dialog).getByRole('button', { name: 'Move 2 open alerts' }));
    await waitFor(() => expect(client.handlers.reassignOpenAlerts).toHaveBeenCalledWith({ fromAgentId: 'agent-a', toAgentId: 'agent-b' }));
    expect(await screen.findByText('Moved 2 open alerts from Avery to Blake.')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(client.handlers.reassignOpenAlerts).toHaveBeenLastCalledWith({ fromAgentId: 'agent-b', toAgentId: 'agent-a', alertIds: ['a2', 'a3'] }));
    expect(await screen.findByText('Moved 2 open alerts back to Avery.')).toBeTruthy();
  });

  it('shows a refused reassignment in the dialog', async () => {
    const user = userEvent.setup();
    const client = teamClient();
    client.handlers.reassignOpenAlerts = vi.fn(async () => {
      throw new ApiError('invalid_input', '1 of the chosen alerts is no longer open with that agent; nothing was reassigned. Refresh and try again.');
    });
    renderWithProviders(<TeamPage />, client);
    await user.click(await screen.findByRole('button', { name: /Reassign the buy alert of Ada Lovelace/ }));
    const dialog = await screen.findByRole('dialog');
    await user.selectOptions(within(dialog).getByLabelText('Hand them to'), 'agent-b');
    await user.click(within(dialog).getByRole('button', { name: 'Move 1 open alert' }));
    expect(await within(dialog).findByText(/no longer open with that agent/)).toBeTruthy();
    expect(client.handlers.reassignOpenAlerts).toHaveBeenCalledWith({ fromAgentId: 'agent-a', toAgentId: 'agent-b', alertIds: ['a3'] });
  });

  it('saves the routing form through the operation, and refuses a bad escalation time without calling it', async () => {
    const user = userEvent.setup();
    const client = teamClient();
    renderWithProviders(<TeamPage />, client);
    const form = await screen.findByRole('form', { name: 'Alert routing settings' });
    const save = within(form).getByRole('button', { name: 'Save routing' });
    expect((save as HTMLButtonElement).disabled).toBe(true); // nothing changed yet
    expect((within(form).getByLabelText(/When no agent holds the zip code/) as HTMLSelectElement).disabled).toBe(true);

    await user.selectOptions(within(form).getByLabelText(/Assign new alerts/), 'territory');
    await user.selectOptions(within(form).getByLabelText(/When no agent holds the zip code/), 'unassigned');
    const minutes = within(form).getByLabelText(/Escalate unclaimed CRITICAL alerts after/);
    await user.clear(minutes);
    await user.click(save);
    expect(await within(form).findByText(/Enter a whole number of minutes/)).toBeTruthy();
    expect(client.handlers.saveRoutingSettings).not.toHaveBeenCalled();

    await user.type(minutes, '15');
    await user.click(save);
    await waitFor(() => expect(client.handlers.saveRoutingSettings).toHaveBeenCalledWith({ mode: 'territory', fallback: 'unassigned', escalateAfterMinutes: 15 }));
    expect(await screen.findByText('Routing saved. New alerts follow it from now on.')).toBeTruthy();
  });

  it('shows why routing cannot be loaded or saved (offline, refused)', async () => {
    const user = userEvent.setup();
    let offline = true;
    const client = teamClient({
      routing: async () => {
        if (offline) throw new ApiError('server_unreachable', 'Routing settings live on the sync server, which can’t be reached right now.');
        return routingState();
      },
    });
    client.handlers.saveRoutingSettings = vi.fn(async () => {
      throw new ApiError('forbidden', 'Only a manager can see or change how alerts are routed.');
    });
    renderWithProviders(<TeamPage />, client);
    expect(await screen.findByText('Routing settings need the server')).toBeTruthy();
    offline = false;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    const form = await screen.findByRole('form', { name: 'Alert routing settings' });
    await user.selectOptions(within(form).getByLabelText(/Assign new alerts/), 'round_robin');
    await user.click(within(form).getByRole('button', { name: 'Save routing' }));
    expect(await within(form).findByText('Only a manager can see or change how alerts are routed.')).toBeTruthy();
  });

  it('explains an empty team', async () => {
    const client = teamClient({
      overview: async () =>
        sampleOverview({ agents: [], leaderboard: [], unassignedOpen: 0, escalated: [], volumeByWeek: [], funnel: sampleOverview().funnel.map((stage) => ({ ...stage, count: 0 })) }),
    });
    renderWithProviders(<TeamPage />, client);
    expect(await screen.findByText('No team activity yet')).toBeTruthy();
    expect(screen.queryByRole('table', { name: 'Open alerts per agent' })).toBeNull();
  });
});
