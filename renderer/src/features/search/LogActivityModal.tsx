import { Modal, Select, Stack, Text, Textarea } from '@mantine/core';
import { useEffect, useState } from 'react';
import { LogActivityButtons } from '../contacts/components/LogActivityButtons.tsx';
import { useSearch } from './SearchPalette.tsx';

/**
 * The global "Log activity" action: on a contact's page the contact is already chosen, so the kind is
 * the second click; elsewhere pick the contact first (searched offline).
 */
export function LogActivityModal({ opened, onClose, contact }: { opened: boolean; onClose: () => void; contact: { id: string; name: string } | null }) {
  const [contactId, setContactId] = useState<string | null>(contact?.id ?? null);
  const [query, setQuery] = useState('');
  const [summary, setSummary] = useState('');
  const { hits } = useSearch(query, 20);
  useEffect(() => {
    if (opened) {
      setContactId(contact?.id ?? null);
      setSummary('');
      setQuery('');
    }
  }, [opened, contact]);
  const options = [
    ...(contact ? [{ value: contact.id, label: contact.name }] : []),
    ...hits.filter((hit) => hit.kind === 'contact' && hit.id !== contact?.id).map((hit) => ({ value: hit.id, label: `${hit.title} — ${hit.subtitle}` })),
  ];
  return (
    <Modal opened={opened} onClose={onClose} title="Log activity">
      <Stack>
        <Select
          label="Contact"
          placeholder="Search a contact"
          searchable
          data={options}
          value={contactId}
          onChange={setContactId}
          searchValue={contactId ? undefined : query}
          onSearchChange={(value) => !contactId && setQuery(value)}
          filter={({ options: all }) => all}
          nothingFoundMessage={query ? 'No contact matches' : 'Type a name'}
          clearable
          data-autofocus={!contact}
        />
        <Textarea label="Summary (optional)" autosize minRows={2} value={summary} onChange={(e) => setSummary(e.currentTarget.value)} />
        {contactId ? (
          <LogActivityButtons contactId={contactId} summary={summary} size="sm" onLogged={onClose} />
        ) : (
          <Text size="sm" c="dimmed">
            Choose the contact, then what happened.
          </Text>
        )}
      </Stack>
    </Modal>
  );
}
