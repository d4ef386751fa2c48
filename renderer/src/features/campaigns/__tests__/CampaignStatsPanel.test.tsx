// @vitest-environment jsdom
import '../../../testing/setupDom.ts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { OperationInput, OperationOutput } from '../../../shared/api/ipcContract.ts';
import { createFakeApiClient } from '../../../testing/createFakeApiClient.ts';
import { renderWithProviders } from '../../../testing/renderWithProviders.tsx';
import { CampaignStatsPanel } from '../components/CampaignStatsPanel.tsx';

// jsdom has no canvas: charts render as their accessible image, which is what these tests read.
vi.mock('react-chartjs-2', () => {
  const chart = (props: { 'aria-label'?: string }) => <canvas role="img" aria-label={props['aria-label']} />;
  return { Bar: chart };
});

type Stats = OperationOutput<'getCampaignStats'>;
type Recipient = Stats['recipients'][number];

const run: Stats['runs'][number] = {
  runId: 'cmp.r1',
  startedAt: '2026-04-03T09:00:00.000Z',
  recipients: 10,
  sent: 8,
  delivered: 7,
  failed: 1,
  bounced: 2,
  unknown: 0,
  skipped: 0,
  sending: 0,
  uniqueOpens: 4,
  totalOpens: 6,
  botOpens: 3,
  uniqueClicks: 2,
  botClicks: 1,
  unsubscribes: 1,
  openRate: 4 / 7,
  clickRate: 2 / 7,
  replies: null,
};
const recipient = (overrides: Partial<Recipient>): Recipient => ({
  contactId: 'c1',
  name: 'Ann Able',
  email: 'ann@example.com',
  status: 'sent',
  outcome: 'sent',
  error: null,
  messageId: null,
  sentAt: '2026-04-03T09:00:00.000Z',
  opened: false,
  clicked: false,
  opens: 0,
  botOpens: 0,
  unsubscribed: false,
  ...overrides,
});
const stats = (overrides: Partial<Stats> = {}): Stats => ({
  runs: [run],
  totals: run,
  recipients: [
    recipient({ contactId: 'c2', name: 'Bo Baker', email: 'bo@example.com', status: 'bounced', outcome: 'bounced', error: '550 5.1.1 No such user here', sentAt: null }),
    recipient({ contactId: 'c1', outcome: 'clicked', opened: true, clicked: true, opens: 2, botOpens: 1 }),
  ],
  recipientTotal: 2,
  timeline: { unit: 'hour', buckets: [{ offset: 0, opens: 1, botOpens: 3, clicks: 0 }, { offset: 1, opens: 3, botOpens: 0, clicks: 2 }] },
  botOpenRule: 'An open is counted as a machine …',
  progress: null,
  ...overrides,
});

describe('campaign statistics panel', () => {
  it('shows the counts, the funnel and timeline charts, and each recipient with the SMTP reason; filters by status', async () => {
    const client = createFakeApiClient();
    client.handlers.getCampaignStats = vi.fn(async (input?: OperationInput<'getCampaignStats'>) =>
      input?.status === 'bounced' ? stats({ recipients: [stats().recipients[0]!], recipientTotal: 1 }) : stats(),
    );
    renderWithProviders(<CampaignStatsPanel campaignId="cmp" />, client);

    expect(await screen.findByRole('group', { name: 'Sent: 8, of 10 recipients' })).toBeTruthy();
    expect(screen.getByRole('group', { name: /^Bounced: 2/ })).toBeTruthy();
    expect(screen.getByRole('group', { name: /^Opened: 4, 57\.1% · 6 opens · 3 machine opens not counted/ })).toBeTruthy();
    expect(screen.getByRole('group', { name: /^Clicked: 2, 28\.6% click rate · 1 scanner clicks not counted/ })).toBeTruthy();
    expect(screen.getByRole('group', { name: /^Replies: Not tracked/ })).toBeTruthy();
    expect(screen.getByRole('img', { name: 'Funnel: Sent 8, Delivered 7, Opened 4, Clicked 2.' })).toBeTruthy();
    expect(screen.getByRole('img', { name: /^Opens and clicks by hour since sending, over 2 hours: 4 opens by people, 3 machine opens, 2 clicks\./ })).toBeTruthy();

    const table = screen.getByTestId('recipient-table');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => row.textContent)).toEqual([
      expect.stringMatching(/^Bo Bakerbo@example\.combounced—.*550 5\.1\.1 No such user here$/),
      expect.stringMatching(/^Ann Ableann@example\.comclicked2 \(\+1 machine\)Yes$/),
    ]);

    await userEvent.click(screen.getAllByLabelText('Show recipients').find((element) => element.tagName === 'INPUT')!);
    await userEvent.click(await screen.findByRole('option', { name: 'Bounced' }));
    await waitFor(() => expect(client.handlers.getCampaignStats).toHaveBeenLastCalledWith({ id: 'cmp', status: 'bounced', limit: 200 }));
    await waitFor(() => expect(within(screen.getByTestId('recipient-table')).getAllByRole('row')).toHaveLength(2));
  });

  it('says so plainly before anything was sent', async () => {
    const client = createFakeApiClient();
    client.handlers.getCampaignStats = vi.fn(async () => ({ runs: [], recipients: [], progress: null, totals: null, recipientTotal: 0, timeline: { unit: 'hour' as const, buckets: [] } }));
    renderWithProviders(<CampaignStatsPanel campaignId="cmp" />, client);
    expect((await screen.findByTestId('stats-empty')).textContent).toMatch(/^Nothing sent yet/);
    expect(screen.queryByRole('img')).toBeNull();
    expect(screen.queryByTestId('recipient-table')).toBeNull();
  });
});
