import { AppShell } from '@mantine/core';
import { useDisclosure, useDocumentTitle } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import { SyncStatusEffect } from '../../features/sync-status/components/SyncStatusEffect.tsx';
import type { Session } from '../../shared/api/ipcContract.ts';
import { getPage, pagesForRole } from '../navigation/appPages.ts';
import { MainNavigation } from '../navigation/MainNavigation.tsx';
import { OpenAlertEffect } from '../navigation/OpenAlertEffect.tsx';
import { PageOutlet } from '../navigation/PageOutlet.tsx';
import { navigateTo, useRoute } from '../navigation/route.ts';
import { usePageShortcuts } from '../navigation/usePageShortcuts.ts';
import { AppHeader } from './AppHeader.tsx';
import { ConnectionLostBanner } from './ConnectionLostBanner.tsx';
import { OfflineStartBanner } from './OfflineStartBanner.tsx';

export type AppFrameProps = {
  session: Session;
};

/** Everything a signed-in user sees: header, navbar and the current page. */
export function AppFrame({ session }: AppFrameProps) {
  const { role } = session.user;
  const [navbarOpened, navbar] = useDisclosure(false);
  const [shortcutsOpened, setShortcutsOpened] = useState(false);
  const route = useRoute();
  const pages = useMemo(() => pagesForRole(role), [role]);
  const page = getPage(route.pageId);

  usePageShortcuts({ pages, onNavigate: (pageId) => navigateTo(pageId), onShowHelp: () => setShortcutsOpened((opened) => !opened) });
  useDocumentTitle(`${page.label} · ROI Desk`);

  return (
    <>
      <SyncStatusEffect />
      <OpenAlertEffect />
      <a className="skip-link" href="#main-content">
        Skip to content
      </a>
      <AppShell
        header={{ height: 56 }}
        navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !navbarOpened } }}
        padding="lg"
      >
        <AppHeader
          user={session.user}
          pages={pages}
          navbarOpened={navbarOpened}
          onToggleNavbar={navbar.toggle}
          shortcutsOpened={shortcutsOpened}
          onShortcutsChange={setShortcutsOpened}
        />
        <MainNavigation pages={pages} currentPageId={page.id} onNavigate={navbar.close} />
        <AppShell.Main id="main-content" tabIndex={-1} style={{ outline: 'none' }}>
          <ConnectionLostBanner />
          {session.offline && <OfflineStartBanner serverUrl={session.serverUrl} />}
          <PageOutlet page={page} role={role} />
        </AppShell.Main>
      </AppShell>
    </>
  );
}
