// @vitest-environment jsdom
import '../../../testing/setupDom.ts';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeApiClient } from '../../../testing/createFakeApiClient.ts';
import { renderWithProviders } from '../../../testing/renderWithProviders.tsx';
import { sampleCampaign } from '../__tests__/fakeCampaignHandlers.ts';
import type { Campaign } from '../types.ts';
import { SchedulePanel } from './SchedulePanel.tsx';

const draft = sampleCampaign();

function renderPanel(campaign: Campaign = draft) {
  const user = userEvent.setup();
  const client = createFakeApiClient({ scheduleCampaign: async (input) => ({ ...campaign, status: 'scheduled', schedule: input!.schedule as Campaign['schedule'] }) });
  renderWithProviders(<SchedulePanel campaign={campaign} dirty={false} onChanged={() => {}} />, client);
  return { user, client };
}

describe('SchedulePanel: triggers and A/B tests', () => {
  it('switches on a trigger with the chosen alert, priority and delay, by keyboard', async () => {
    const { user, client } = renderPanel();
    await user.click(screen.getByRole('radio', { name: 'When an alert is raised' }));
    await user.selectOptions(screen.getByLabelText('Alert'), 'Likely to refinance');
    await user.selectOptions(screen.getByLabelText('Minimum priority'), 'Medium or higher');
    const delay = screen.getByLabelText('Delay (hours)');
    await user.clear(delay);
    await user.type(delay, '48');
    screen.getByRole('button', { name: 'Switch on trigger…' }).focus();
    await user.keyboard('{Enter}');
    expect(screen.getByText(/Only alerts raised from now on count/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Yes, switch on' }));
    await waitFor(() => expect(client.handlers.scheduleCampaign).toHaveBeenCalledTimes(1));
    expect(client.handlers.scheduleCampaign.mock.calls[0]![0]).toEqual({ id: 'cmp-1', schedule: { kind: 'triggered', alertType: 'refinance', minPriority: 'MEDIUM', delayHours: 48 } });
  });

  it('says what is wrong at the field and schedules nothing', async () => {
    const { user, client } = renderPanel();
    await user.click(screen.getByRole('radio', { name: 'When an alert is raised' }));
    const delay = screen.getByLabelText('Delay (hours)');
    await user.clear(delay);
    await user.type(delay, '900');
    await user.click(screen.getByRole('button', { name: 'Switch on trigger…' }));
    expect(await screen.findByText('Give a delay from 0 to 720 hours')).toBeTruthy();

    await user.click(screen.getByRole('radio', { name: 'Now' }));
    await user.click(screen.getByLabelText(/A\/B test the subject/));
    await user.click(screen.getByRole('button', { name: 'Start A/B test now…' }));
    expect(await screen.findByText('Give the second subject to test')).toBeTruthy();
    await user.type(screen.getByLabelText(/Subject B/), 'Your home this spring');
    await user.click(screen.getByRole('button', { name: 'Start A/B test now…' }));
    expect(await screen.findByText('Subject B must differ from the campaign’s subject')).toBeTruthy();
    expect(client.handlers.scheduleCampaign).not.toHaveBeenCalled();
  });

  it('starts an A/B subject test with the second subject, sample and wait', async () => {
    const { user, client } = renderPanel();
    await user.click(screen.getByLabelText(/A\/B test the subject/));
    await user.type(screen.getByLabelText(/Subject B/), 'What your home is worth now');
    const sample = screen.getByLabelText('Sample (% of audience)');
    await user.clear(sample);
    await user.type(sample, '30');
    const wait = screen.getByLabelText('Pick the winner after (hours)');
    await user.clear(wait);
    await user.type(wait, '6');
    await user.click(screen.getByRole('button', { name: 'Start A/B test now…' }));
    await user.click(screen.getByTestId('confirm-send'));
    await waitFor(() => expect(client.handlers.scheduleCampaign).toHaveBeenCalledTimes(1));
    const { schedule } = client.handlers.scheduleCampaign.mock.calls[0]![0]!;
    expect(schedule).toMatchObject({ kind: 'once', abTest: { subjectB: 'What your home is worth now', samplePercent: 30, waitHours: 6 } });
  });

  it('shows the test’s state, results and winner', () => {
    renderPanel({
      ...draft,
      status: 'sent',
      schedule: { kind: 'once', at: '2026-05-01T08:00:00.000Z', abTest: { subjectB: 'B subject', samplePercent: 20, waitHours: 4 } },
      abTest: {
        phase: 'done',
        subjectA: 'Your home this spring',
        subjectB: 'B subject',
        samplePercent: 20,
        waitHours: 4,
        a: { sent: 10, clicks: 1, rate: 0.1 },
        b: { sent: 10, clicks: 3, rate: 0.3 },
        decideAt: '2026-05-01T12:00:00.000Z',
        winner: 'b',
        leader: 'b',
      },
    });
    const status = screen.getByTestId('ab-test-status');
    expect(status.textContent).toContain('A/B subject test: Finished');
    expect(status.textContent).toContain('30%');
    const winnerRow = screen.getByText('Winner').closest('tr')!;
    expect(winnerRow.textContent).toContain('B subject');
  });

  it('shows a trigger’s counts', () => {
    renderPanel({ ...draft, status: 'scheduled', schedule: { kind: 'triggered', alertType: 'sell', minPriority: 'HIGH', delayHours: 24 }, trigger: { sent: 3, waiting: 1, nextDueAt: null } });
    expect(screen.getByTestId('trigger-status').textContent).toContain('3 emails sent for alerts so far · 1 alert waiting');
    expect(screen.getByTestId('schedule-summary').textContent).toContain('On a “Likely to sell” alert (high or higher), after 24 hours');
  });
});
