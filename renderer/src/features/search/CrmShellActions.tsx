import { ActionIcon, Button, Kbd, Tooltip } from '@mantine/core';
import { useHotkeys, useOs } from '@mantine/hooks';
import { IconNotes, IconSearch } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useRoute } from '../../app/navigation/route.ts';
import { useApi } from '../../shared/api/useApi.ts';
import { LogActivityModal } from './LogActivityModal.tsx';
import { SearchPalette } from './SearchPalette.tsx';

/** Header actions available on every page: global search (Ctrl/Cmd-K) and "Log activity" (Ctrl/Cmd-L). */
export function CrmShellActions() {
  const api = useApi();
  const os = useOs();
  const mod = os === 'macos' || os === 'ios' ? '⌘' : 'Ctrl';
  const [searching, setSearching] = useState(false);
  const [logging, setLogging] = useState(false);
  const route = useRoute();
  const contactId = route.pageId === 'contacts' ? (route.params[0] ?? null) : null;
  const [contact, setContact] = useState<{ id: string; name: string } | null>(null);
  useEffect(() => {
    if (!logging || !contactId) return setContact(null);
    let live = true;
    api.getContact({ id: contactId }).then(
      (detail) => live && setContact({ id: detail.contact.id, name: detail.contact.name }),
      () => live && setContact(null),
    );
    return () => {
      live = false;
    };
  }, [api, logging, contactId]);
  // Anywhere, inputs included: these are the app's two global commands.
  useHotkeys(
    [
      ['mod+K', () => setSearching(true)],
      ['mod+L', () => setLogging(true)],
    ],
    [],
  );
  return (
    <>
      <Button
        variant="default"
        size="xs"
        leftSection={<IconSearch size={14} />}
        rightSection={<Kbd size="xs">{mod}+K</Kbd>}
        onClick={() => setSearching(true)}
        visibleFrom="md"
        aria-label="Search"
      >
        Search
      </Button>
      <Tooltip label={`Search (${mod}+K)`}>
        <ActionIcon variant="default" size="lg" hiddenFrom="md" aria-label="Search" onClick={() => setSearching(true)}>
          <IconSearch size={16} />
        </ActionIcon>
      </Tooltip>
      <Tooltip label={`Log a call, email, text, meeting or showing (${mod}+L)`}>
        <ActionIcon variant="default" size="lg" aria-label="Log activity" onClick={() => setLogging(true)}>
          <IconNotes size={16} />
        </ActionIcon>
      </Tooltip>
      <SearchPalette opened={searching} onClose={() => setSearching(false)} />
      <LogActivityModal opened={logging} onClose={() => setLogging(false)} contact={contactId ? contact : null} />
    </>
  );
}
