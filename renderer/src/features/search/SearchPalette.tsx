import { Badge, Group, Kbd, Modal, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { navigateTo } from '../../app/navigation/route.ts';
import { errorMessage } from '../../shared/api/ApiError.ts';
import type { OperationOutput } from '../../shared/api/ipcContract.ts';
import { useApi } from '../../shared/api/useApi.ts';

export type SearchHit = OperationOutput<'search'>[number];
const KIND_LABELS = { contact: 'Contact', property: 'Property', note: 'Note', alert: 'Alert' } as const;
const KIND_COLORS = { contact: 'blue', property: 'teal', note: 'gray', alert: 'red' } as const;

export function openHit(hit: SearchHit): void {
  if (hit.kind === 'property') navigateTo('properties', hit.id);
  else if (hit.kind === 'alert') navigateTo('inbox', hit.id);
  else if (hit.contactId) navigateTo('contacts', hit.contactId);
}

/** Matches for what is typed (debounced), from the local index: offline, typo-tolerant. */
export function useSearch(query: string, limit = 30) {
  const api = useApi();
  const [debounced] = useDebouncedValue(query.trim(), 120);
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!debounced) return setHits([]);
    let live = true;
    api.search({ query: debounced, limit }).then(
      (result) => {
        if (!live) return;
        setHits(result);
        setError(null);
      },
      (cause: unknown) => live && setError(errorMessage(cause)),
    );
    return () => {
      live = false;
    };
  }, [api, debounced, limit]);
  return { hits, error, searched: debounced };
}

/** The Ctrl/Cmd-K palette: contacts, properties, alerts and notes; arrows move, Enter opens. */
export function SearchPalette({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const { hits, error, searched } = useSearch(query);
  useEffect(() => setActive(0), [hits]);
  useEffect(() => {
    if (!opened) setQuery('');
  }, [opened]);
  const choose = (hit: SearchHit | undefined) => {
    if (!hit) return;
    onClose();
    openHit(hit);
  };
  return (
    <Modal opened={opened} onClose={onClose} withCloseButton={false} size="lg" yOffset="10vh" padding="sm" aria-label="Search">
      <TextInput
        data-autofocus
        aria-label="Search contacts, properties, alerts and notes"
        placeholder="Search contacts, properties, alerts, notes…"
        leftSection={<IconSearch size={16} />}
        rightSection={<Kbd size="xs">Esc</Kbd>}
        value={query}
        onChange={(event) => setQuery(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            setActive((i) => Math.min(hits.length - 1, i + 1));
          } else if (event.key === 'ArrowUp') {
            event.preventDefault();
            setActive((i) => Math.max(0, i - 1));
          } else if (event.key === 'Enter') {
            event.preventDefault();
            choose(hits[active]);
          }
        }}
        role="combobox"
        aria-expanded={hits.length > 0}
        aria-controls="search-results"
        aria-activedescendant={hits[active] ? `search-hit-${active}` : undefined}
      />
      <Stack gap={2} mt="xs" id="search-results" role="listbox" aria-label="Results" mah="55vh" style={{ overflowY: 'auto' }}>
        {error && <Text c="red" size="sm">{error}</Text>}
        {searched && hits.length === 0 && !error && (
          <Text c="dimmed" size="sm" p="sm">
            Nothing matches “{searched}”.
          </Text>
        )}
        {!searched && (
          <Text c="dimmed" size="sm" p="sm">
            Type a name, email, phone, address, zip or words from a note. Small typos are fine.
          </Text>
        )}
        {hits.map((hit, i) => (
          <UnstyledButton
            key={`${hit.kind}:${hit.id}`}
            id={`search-hit-${i}`}
            role="option"
            aria-selected={i === active}
            onMouseEnter={() => setActive(i)}
            onClick={() => choose(hit)}
            p="xs"
            style={{ borderRadius: 6, background: i === active ? 'var(--mantine-color-default-hover)' : undefined }}
            data-testid="search-hit"
          >
            <Group gap="sm" wrap="nowrap">
              <Badge size="xs" w={70} variant="light" color={KIND_COLORS[hit.kind]}>
                {KIND_LABELS[hit.kind]}
              </Badge>
              <Stack gap={0} miw={0}>
                <Text size="sm" fw={500} truncate>
                  {hit.title}
                </Text>
                <Text size="xs" c="dimmed" truncate>
                  {hit.subtitle}
                </Text>
              </Stack>
            </Group>
          </UnstyledButton>
        ))}
      </Stack>
    </Modal>
  );
}
