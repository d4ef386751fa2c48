// @vitest-environment jsdom
import '../../testing/setupDom.ts';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { createFakeApiClient } from '../../testing/createFakeApiClient.ts';
import { AppProviders } from '../AppProviders.tsx';
import { PageErrorBoundary } from '../error-boundary/PageErrorBoundary.tsx';

describe('PageErrorBoundary', () => {
  it('replaces a crashed page with a Reload action that renders it again', async () => {
    let crash = true;
    const Flaky = () => {
      if (crash) throw new Error('Cannot read properties of undefined (reading "estimate")');
      return <p>Recovered</p>;
    };
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    render(
      <AppProviders client={createFakeApiClient()} env="test">
        <PageErrorBoundary pageLabel="Properties">
          <Flaky />
        </PageErrorBoundary>
      </AppProviders>,
    );

    const fallback = await screen.findByTestId('page-error');
    expect(fallback.textContent).toContain('Properties stopped working');
    expect(fallback.textContent).toContain('reading "estimate"');

    crash = false;
    await userEvent.click(within(fallback).getByRole('button', { name: 'Reload' }));
    expect(screen.getByText('Recovered')).toBeTruthy();
    consoleError.mockRestore();
  });
});
