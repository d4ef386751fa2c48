import { Alert, AppShell, Burger, Button, Center, Group, Loader, MantineProvider, NavLink, Text, createTheme } from '@mantine/core';
import { useDisclosure, useDocumentTitle } from '@mantine/hooks';
import { Notifications } from '@mantine/notifications';
import { useCallback, useEffect, useState } from 'react';
import { api, ConsoleApiError, onSessionEnded, setCsrfToken } from './api.ts';
import { AuditPage } from './pages/AuditPage.tsx';
import { ConflictsPage } from './pages/ConflictsPage.tsx';
import { DevicesPage } from './pages/DevicesPage.tsx';
import { HealthPage } from './pages/HealthPage.tsx';
import { IngestionPage } from './pages/IngestionPage.tsx';
import { InvitePage } from './pages/InvitePage.tsx';
import { ModelsPage } from './pages/ModelsPage.tsx';
import { PeoplePage } from './pages/PeoplePage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { navigate, PAGES, usePath, type PageId } from './router.ts';
import type { SessionInfo } from './types.ts';

// The app's theme (renderer/src/app/theme.ts): one indigo accent, system fonts.
const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 6, dark: 5 },
  defaultRadius: 'md',
  cursorType: 'pointer',
  focusRing: 'auto',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif', fontWeight: '600' },
});

type State = { kind: 'loading' } | { kind: 'signed-out'; notice: string | null } | { kind: 'signed-in'; session: SessionInfo } | { kind: 'unreachable'; message: string };

export function ConsoleApp() {
  const path = usePath();
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <Notifications position="bottom-right" limit={4} />
      {path === 'invite' ? <InvitePage /> : <SignedInGate />}
    </MantineProvider>
  );
}

function SignedInGate() {
  const [state, setState] = useState<State>({ kind: 'loading' });

  const load = useCallback(async () => {
    try {
      const session = await api<SessionInfo>('GET', '/session');
      setCsrfToken(session.csrfToken);
      setState({ kind: 'signed-in', session });
    } catch (error) {
      if (error instanceof ConsoleApiError && error.status === 401) setState({ kind: 'signed-out', notice: null });
      else setState({ kind: 'unreachable', message: (error as Error).message });
    }
  }, []);

  useEffect(() => {
    onSessionEnded((message) => setState({ kind: 'signed-out', notice: message }));
    void load();
  }, [load]);

  switch (state.kind) {
    case 'loading':
      return (
        <Center h="100vh">
          <Loader aria-label="Loading the console" />
        </Center>
      );
    case 'unreachable':
      return (
        <Center h="100vh" p="md">
          <Alert color="red" title="The console cannot reach its server" role="alert">
            <Text size="sm" mb="sm">
              {state.message}
            </Text>
            <Button size="xs" onClick={() => void load()}>
              Try again
            </Button>
          </Alert>
        </Center>
      );
    case 'signed-out':
      return (
        <SignInPage
          notice={state.notice}
          onSignedIn={(session) => {
            setCsrfToken(session.csrfToken);
            setState({ kind: 'signed-in', session });
          }}
        />
      );
    case 'signed-in':
      return <ConsoleFrame session={state.session} onSignedOut={() => setState({ kind: 'signed-out', notice: 'You are signed out.' })} />;
  }
}

function ConsoleFrame({ session, onSignedOut }: { session: SessionInfo; onSignedOut: () => void }) {
  const path = usePath();
  const [opened, { toggle, close }] = useDisclosure(false);
  const admin = session.user.role === 'admin';
  const pages = PAGES.filter((page) => admin || !page.adminOnly);
  const current = pages.find((page) => page.id === path) ?? pages[0]!;
  useDocumentTitle(`${current.label} · ROI Desk console`);

  const signOut = async () => {
    try {
      await api('DELETE', '/session');
    } finally {
      onSignedOut();
    }
  };

  return (
    <>
      <a className="skip-link" href="#main-content">
        Skip to content
      </a>
      <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="lg">
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between">
            <Group gap="sm">
              <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Show navigation" />
              <Text fw={700}>ROI Desk console</Text>
              <Text size="sm" c="dimmed" visibleFrom="sm">
                {admin ? 'Platform administrator' : `Manager · ${session.user.brokerageName ?? ''}`}
              </Text>
            </Group>
            <Group gap="sm">
              <Text size="sm" visibleFrom="xs">
                {session.user.name} ({session.user.email})
              </Text>
              <Button variant="default" size="xs" onClick={() => void signOut()}>
                Sign out
              </Button>
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs" component="nav" aria-label="Console">
          {pages.map((page) => (
            <NavLink
              key={page.id}
              label={page.label}
              href={`/console/${page.id}`}
              active={page.id === current.id}
              aria-current={page.id === current.id ? 'page' : undefined}
              onClick={(event) => {
                event.preventDefault();
                navigate(page.id);
                close();
              }}
            />
          ))}
        </AppShell.Navbar>
        <AppShell.Main id="main-content" tabIndex={-1} style={{ outline: 'none' }}>
          <Page id={current.id} session={session} />
        </AppShell.Main>
      </AppShell>
    </>
  );
}

function Page({ id, session }: { id: PageId; session: SessionInfo }) {
  switch (id) {
    case 'people':
      return <PeoplePage session={session} />;
    case 'devices':
      return <DevicesPage session={session} />;
    case 'health':
      return <HealthPage />;
    case 'conflicts':
      return <ConflictsPage session={session} />;
    case 'models':
      return <ModelsPage session={session} />;
    case 'ingestion':
      return <IngestionPage session={session} />;
    case 'audit':
      return <AuditPage session={session} />;
  }
}
