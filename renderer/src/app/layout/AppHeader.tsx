import { AppShell, Burger, Group } from '@mantine/core';
import { CrmShellActions } from '../../features/search/CrmShellActions.tsx';
import { UserMenu } from '../../features/session/components/UserMenu.tsx';
import { usePendingChanges } from '../../features/sync-status/hooks/usePendingChanges.ts';
import { SyncStatusIndicator } from '../../features/sync-status/components/SyncStatusIndicator.tsx';
import type { Session } from '../../shared/api/ipcContract.ts';
import { BrandMark } from '../../shared/ui/BrandMark.tsx';
import type { AppPage } from '../navigation/appPages.ts';
import { ShortcutsHelpPopover } from '../navigation/ShortcutsHelpPopover.tsx';
import { ColorSchemeToggle } from './ColorSchemeToggle.tsx';

export type AppHeaderProps = {
  user: Session['user'];
  pages: readonly AppPage[];
  navbarOpened: boolean;
  onToggleNavbar: () => void;
  shortcutsOpened: boolean;
  onShortcutsChange: (opened: boolean) => void;
};

export function AppHeader({ user, pages, navbarOpened, onToggleNavbar, shortcutsOpened, onShortcutsChange }: AppHeaderProps) {
  const pendingChanges = usePendingChanges();
  return (
    <AppShell.Header px="md">
      <Group h="100%" justify="space-between" wrap="nowrap">
        <Group gap="sm" wrap="nowrap">
          <Burger opened={navbarOpened} onClick={onToggleNavbar} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
          <BrandMark />
        </Group>
        <Group gap={6} wrap="nowrap">
          <CrmShellActions />
          <SyncStatusIndicator />
          <ShortcutsHelpPopover pages={pages} opened={shortcutsOpened} onChange={onShortcutsChange} />
          <ColorSchemeToggle />
          <UserMenu user={user} pendingChanges={pendingChanges} />
        </Group>
      </Group>
    </AppShell.Header>
  );
}
