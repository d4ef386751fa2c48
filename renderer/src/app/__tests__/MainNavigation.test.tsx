// @vitest-environment jsdom
import '../../testing/setupDom.ts';
import { AppShell } from '@mantine/core';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../shared/api/ipcContract.ts';
import { createFakeApiClient } from '../../testing/createFakeApiClient.ts';
import { renderWithProviders } from '../../testing/renderWithProviders.tsx';
import { getPage, pagesForRole, type PageId } from '../navigation/appPages.ts';
import { MainNavigation } from '../navigation/MainNavigation.tsx';
import { PageOutlet } from '../navigation/PageOutlet.tsx';

function renderNavigation(role: Role, currentPageId: PageId = 'inbox') {
  renderWithProviders(
    <AppShell navbar={{ width: 232, breakpoint: 'sm' }}>
      <MainNavigation pages={pagesForRole(role)} currentPageId={currentPageId} />
    </AppShell>,
    createFakeApiClient(),
  );
  const nav = screen.getByRole('navigation', { name: 'Main' });
  return within(nav)
    .getAllByRole('link')
    .map((link) => link.textContent);
}

describe('main navigation', () => {
  it('shows agents every page except Team', () => {
    expect(renderNavigation('agent')).toEqual(['Inbox', 'Contacts', 'Properties', 'Campaigns', 'Tasks', 'Settings']);
  });

  it.each(['manager', 'admin'] as const)('shows %ss the Team page', (role) => {
    expect(renderNavigation(role)).toEqual(['Inbox', 'Contacts', 'Properties', 'Campaigns', 'Tasks', 'Team', 'Settings']);
  });

  it('links each page by hash and marks the current one', () => {
    renderNavigation('manager', 'team');
    const team = screen.getByRole('link', { name: 'Team' });
    expect(team.getAttribute('href')).toBe('#/team');
    expect(team.getAttribute('aria-current')).toBe('page');
    expect(screen.getByRole('link', { name: 'Inbox' }).getAttribute('aria-current')).toBeNull();
  });

  it('tells an agent who reaches the Team page by its address that it is not for their role', () => {
    renderWithProviders(<PageOutlet page={getPage('team')} role="agent" />, createFakeApiClient());
    expect(screen.getByText('Not available for your role')).toBeTruthy();
    expect(screen.queryByText('No team activity yet')).toBeNull();
  });

  it('shows the Team page to a manager', () => {
    renderWithProviders(<PageOutlet page={getPage('team')} role="manager" />, createFakeApiClient());
    expect(screen.getByRole('heading', { level: 1, name: 'Team' })).toBeTruthy();
  });
});
