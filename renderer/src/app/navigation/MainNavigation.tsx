import { AppShell, Kbd, NavLink, ScrollArea, Text } from '@mantine/core';
import type { AppPage, PageId } from './appPages.ts';
import { routeHref } from './route.ts';

export type MainNavigationProps = {
  pages: readonly AppPage[];
  currentPageId: PageId;
  /** After a link is followed (closes the navbar on small windows). */
  onNavigate?: () => void;
};

export function MainNavigation({ pages, currentPageId, onNavigate }: MainNavigationProps) {
  return (
    <AppShell.Navbar aria-label="Main" p="sm">
      <AppShell.Section grow component={ScrollArea}>
        {pages.map((page) => {
          const active = page.id === currentPageId;
          const PageIcon = page.icon;
          return (
            <NavLink
              key={page.id}
              href={routeHref(page.id)}
              label={page.label}
              leftSection={<PageIcon size={18} stroke={1.75} aria-hidden />}
              active={active}
              aria-current={active ? 'page' : undefined}
              onClick={onNavigate}
              variant="light"
              fw={500}
              style={{ borderRadius: 'var(--mantine-radius-md)' }}
              mb={2}
              data-testid={`nav-${page.id}`}
            />
          );
        })}
      </AppShell.Section>
      <AppShell.Section>
        <Text size="xs" c="dimmed" px="sm" py="xs">
          Press <Kbd size="xs">?</Kbd> for keyboard shortcuts
        </Text>
      </AppShell.Section>
    </AppShell.Navbar>
  );
}
