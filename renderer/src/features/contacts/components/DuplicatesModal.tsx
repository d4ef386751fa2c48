import { Alert, Badge, Button, Group, Loader, Modal, Radio, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import type { OperationOutput } from '../../../shared/api/ipcContract.ts';
import { useApi } from '../../../shared/api/useApi.ts';

type Group = OperationOutput<'findDuplicateContacts'>[number];
type Preview = OperationOutput<'previewContactMerge'>;

function MergePreviewTable({ preview }: { preview: Preview }) {
  const moves = Object.entries(preview.moves).filter(([, n]) => n > 0);
  return (
    <Stack gap="xs">
      <Table withTableBorder fz="sm" aria-label="What the merged contact keeps">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Field</Table.Th>
            <Table.Th>Kept contact</Table.Th>
            <Table.Th>Duplicate</Table.Th>
            <Table.Th>Result</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {preview.fields.map((field) => (
            <Table.Tr key={field.field}>
              <Table.Td>{field.label}</Table.Td>
              <Table.Td>{field.survivor || '—'}</Table.Td>
              <Table.Td>{field.other || '—'}</Table.Td>
              <Table.Td fw={600}>
                {field.result || '—'} {field.from === 'other' && <Badge size="xs">from duplicate</Badge>}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="sm" c="dimmed">
        {moves.length > 0 ? `Moves to the kept contact: ${moves.map(([what, n]) => `${n} ${what}`).join(', ')}.` : 'Nothing else to move.'} The duplicate is then deleted.
      </Text>
    </Stack>
  );
}

function DuplicateGroup({ group, onMerged }: { group: Group; onMerged: () => void }) {
  const api = useApi();
  const [survivor, setSurvivor] = useState(group.contacts[0]!.id);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const others = group.contacts.filter((c) => c.id !== survivor);
  const firstOther = others[0]!.id;
  useEffect(() => {
    let live = true;
    setPreview(null);
    api.previewContactMerge({ survivorId: survivor, otherId: firstOther }).then(
      (p) => live && setPreview(p),
      (cause: unknown) => live && setError(errorMessage(cause)),
    );
    return () => {
      live = false;
    };
  }, [api, survivor, firstOther]);
  const merge = async () => {
    setBusy(true);
    try {
      for (const other of others) await api.mergeContacts({ survivorId: survivor, otherId: other.id });
      notifications.show({ color: 'green', message: `Merged ${others.length + 1} contacts into one.` });
      onMerged();
    } catch (cause) {
      setError(errorMessage(cause));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack gap="xs" p="sm" style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 8 }}>
      <Text size="sm" fw={600}>
        Same {group.reason}: {group.value}
      </Text>
      <Radio.Group value={survivor} onChange={setSurvivor} label="Keep" size="sm">
        <Group mt={4}>
          {group.contacts.map((c) => (
            <Radio key={c.id} value={c.id} label={`${c.name}${c.email ? ` <${c.email}>` : ''}`} />
          ))}
        </Group>
      </Radio.Group>
      {error && <Alert color="red">{error}</Alert>}
      {preview ? <MergePreviewTable preview={preview} /> : <Loader size="sm" />}
      <Group justify="flex-end">
        <Button onClick={() => void merge()} loading={busy} disabled={!preview}>
          Merge into the kept contact
        </Button>
      </Group>
    </Stack>
  );
}

/** Contacts sharing an email or phone, each group with a preview of what a merge keeps. */
export function DuplicatesModal({ opened, onClose }: { opened: boolean; onClose: () => void; canAssign: boolean }) {
  const api = useApi();
  const [groups, setGroups] = useState<Group[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    setGroups(null);
    api.findDuplicateContacts().then(setGroups, (cause: unknown) => setError(errorMessage(cause)));
  }, [api]);
  useEffect(() => {
    if (opened) load();
  }, [opened, load]);
  return (
    <Modal opened={opened} onClose={onClose} title="Duplicate contacts" size="xl">
      <Stack>
        {error && <Alert color="red">{error}</Alert>}
        {groups === null && !error && <Loader />}
        {groups?.length === 0 && <Text c="dimmed">No duplicates: no two contacts share an email address or phone number.</Text>}
        {groups?.slice(0, 20).map((group) => <DuplicateGroup key={`${group.reason}:${group.value}`} group={group} onMerged={load} />)}
        {groups && groups.length > 20 && <Text size="sm" c="dimmed">Showing 20 of {groups.length} groups; merge these to see the rest.</Text>}
      </Stack>
    </Modal>
  );
}
