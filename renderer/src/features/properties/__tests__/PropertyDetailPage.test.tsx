// @vitest-environment jsdom
import '../../../testing/setupDom.ts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { apiError, createFakeApiClient } from '../../../testing/createFakeApiClient.ts';
import { renderWithProviders } from '../../../testing/renderWithProviders.tsx';
import { PropertyDetailPage } from '../components/PropertyDetailPage.tsx';
import { samplePropertyDetail } from './propertyFixtures.ts';

// jsdom has no canvas: charts render as their accessible image, which is what these tests read.
vi.mock('react-chartjs-2', () => {
  const chart = (props: { 'aria-label'?: string }) => <canvas role="img" aria-label={props['aria-label']} />;
  return { Line: chart, Scatter: chart };
});

describe('PropertyDetailPage', () => {
  it('shows the estimate with its range and confidence, the evidence, the finances and the upkeep', async () => {
    const client = createFakeApiClient({ getProperty: async () => samplePropertyDetail() });
    renderWithProviders(<PropertyDetailPage id="prop-1" />, client);

    expect((await screen.findByTestId('estimate')).textContent).toBe('$512,000');
    expect(screen.getByTestId('estimate-low').textContent).toBe('$455,000');
    expect(screen.getByTestId('estimate-high').textContent).toBe('$575,000');
    expect(screen.getByTestId('confidence').textContent).toBe('High confidence · 72');
    expect(client.handlers.getProperty).toHaveBeenCalledWith({ id: 'prop-1' });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('123 Maple St, Seattle WA 98103');

    const comps = within(screen.getByTestId('comps-table'));
    expect(comps.getAllByRole('row')).toHaveLength(9); // header + 8 sales
    expect(comps.getByText('this home')).toBeTruthy();
    expect(comps.getAllByText('+$8,000')).toHaveLength(8); // the time adjustment of every sale
    expect(screen.getByText('Market within 0.5 mile')).toBeTruthy();
    expect(screen.getByText('$498,000')).toBeTruthy();
    expect(screen.getByText('+4.2%')).toBeTruthy();

    expect(screen.getByTestId('equity').textContent).toBe('$318,000');
    expect(screen.getByTestId('ltv').textContent).toBe('38%');
    expect(screen.getByTestId('break-even').textContent).toBe('16 months');
    expect(screen.getByRole('img', { name: /Value history: 2 valuations/ })).toBeTruthy();
    expect(screen.getByRole('img', { name: /Equity timeline: .* loan balance of \$194,000/ })).toBeTruthy();
    expect(screen.getByRole('img', { name: /8 comparable sales plotted/ })).toBeTruthy();

    expect(screen.getByRole('button', { name: 'Remind me: Clean gutters and downspouts' })).toBeTruthy();
    expect(screen.getByText('Task added')).toBeTruthy(); // the filter reminder is already a task
  });

  it('corrects facts, sending only what changed, and shows the new estimate with what the correction did', async () => {
    const user = userEvent.setup();
    const corrected = samplePropertyDetail();
    corrected.property.facts.sqftLiving = 2400;
    corrected.valuation = { ...corrected.valuation!, estimate: 561_000 };
    const client = createFakeApiClient({ getProperty: async () => samplePropertyDetail(), updatePropertyFacts: async () => corrected });
    renderWithProviders(<PropertyDetailPage id="prop-1" />, client);

    await user.click(await screen.findByRole('button', { name: 'Edit facts' }));
    const dialog = await screen.findByRole('dialog');
    const living = within(dialog).getByLabelText('Living area (sq ft)');
    await user.clear(living);
    await user.type(living, '2400');
    await user.click(within(dialog).getByRole('button', { name: 'Save and revalue' }));

    await waitFor(() => expect(screen.getByTestId('estimate').textContent).toBe('$561,000'));
    expect(client.handlers.updatePropertyFacts).toHaveBeenCalledWith({ id: 'prop-1', changes: { sqftLiving: 2400 } });
    expect(screen.getByRole('status').textContent).toBe('+$49,000 after your correction (was $512,000)');
    expect(screen.getByTestId('fact-sqftLiving').textContent).toBe('2,400');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('puts the main process’s validation message on the field it is about', async () => {
    const user = userEvent.setup();
    const client = createFakeApiClient({
      getProperty: async () => samplePropertyDetail(),
      updatePropertyFacts: async () => {
        throw apiError('invalid_input', 'changes.sqftLiving: Living area is at least 200 sq ft');
      },
    });
    renderWithProviders(<PropertyDetailPage id="prop-1" />, client);
    await user.click(await screen.findByRole('button', { name: 'Edit facts' }));
    const dialog = await screen.findByRole('dialog');
    const living = within(dialog).getByLabelText('Living area (sq ft)');
    await user.clear(living);
    await user.type(living, '90');
    await user.click(within(dialog).getByRole('button', { name: 'Save and revalue' }));
    expect(await within(dialog).findByText('Living area is at least 200 sq ft')).toBeTruthy();
    expect(living.getAttribute('aria-invalid')).toBe('true');
  });

  it('explains a missing estimate and marks the facts it needs', async () => {
    const detail = samplePropertyDetail({ valuation: null, missingFacts: ['sqftLot'], valuationIssue: 'Add the lot size to get an estimate.' });
    detail.property.facts.sqftLot = null;
    renderWithProviders(<PropertyDetailPage id="prop-1" />, createFakeApiClient({ getProperty: async () => detail }));
    expect(await screen.findByText('Add the lot size to get an estimate.')).toBeTruthy();
    expect(screen.queryByTestId('comps-table')).toBeNull();
    expect(screen.getByTestId('fact-sqftLot').textContent).toBe('Unknown');
  });

  it('reports a property that is not on this device', async () => {
    renderWithProviders(<PropertyDetailPage id="gone" />, createFakeApiClient());
    expect(await screen.findByText('Could not open this property')).toBeTruthy();
    expect(screen.getByText('There is no such property on this device.')).toBeTruthy();
  });

  it('recomputes the refinance break-even at a rate the agent types, and turns a reminder into a task', async () => {
    const user = userEvent.setup();
    const client = createFakeApiClient({
      getProperty: async () => samplePropertyDetail(),
      analyzeRefinance: async ({ newRatePercent } = { id: '', newRatePercent: 0 }) => ({ ...samplePropertyDetail().refinance!, newRatePercent, breakEvenMonths: 31 }),
      createMaintenanceTask: async () => ({ taskId: 'maint:prop-1:gutters:2026-11-01', dueDate: '2026-11-01' }),
    });
    renderWithProviders(<PropertyDetailPage id="prop-1" />, client);
    const rate = await screen.findByLabelText('New rate (%)');
    await user.clear(rate);
    await user.type(rate, '5.25');
    await waitFor(() => expect(screen.getByTestId('break-even').textContent).toBe('31 months'));
    expect(client.handlers.analyzeRefinance).toHaveBeenLastCalledWith({ id: 'prop-1', newRatePercent: 5.25, closingCostPercent: 3, newTermYears: 30 });
    // Asked once for the rate typed, not again and again while it stays.
    const calls = client.handlers.analyzeRefinance.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(client.handlers.analyzeRefinance.mock.calls.length).toBe(calls);

    await user.click(screen.getByRole('button', { name: 'Remind me: Clean gutters and downspouts' }));
    await waitFor(() => expect(screen.getAllByText('Task added')).toHaveLength(2));
    expect(client.handlers.createMaintenanceTask).toHaveBeenCalledWith({ propertyId: 'prop-1', itemId: 'gutters' });
  });
});
