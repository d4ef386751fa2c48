// Concurrent edits that lost per-field last-writer-wins, with both values.
import { Button, Code, Group, Paper, Table, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { api, query } from '../api.ts';
import { BrokerageSelect, EmptyState, ErrorNotice, Loading, formatDateTime, PageHeader } from '../components/ui.tsx';
import { useResource } from '../components/useResource.ts';
import type { Conflict, SessionInfo } from '../types.ts';

type Filters = { table: string; field: string; user: string; from: string; to: string };
const EMPTY: Filters = { table: '', field: '', user: '', from: '', to: '' };
const show = (value: unknown) => (value === null || value === undefined ? '(empty)' : typeof value === 'string' ? value : JSON.stringify(value));

export function ConflictsPage({ session }: { session: SessionInfo }) {
  const admin = session.user.role === 'admin';
  const [brokerageId, setBrokerageId] = useState<string | null>(null);
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const path = `/conflicts${query({ brokerageId, ...filters })}`;
  const list = useResource((signal) => api<{ conflicts: Conflict[] }>('GET', path, { signal }), path);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
  };
  const field = (key: keyof Filters, label: string, props: { type?: string; placeholder?: string } = {}) => (
    <TextInput label={label} value={draft[key]} onChange={(e) => setDraft({ ...draft, [key]: e.currentTarget.value })} w={170} {...props} />
  );
  return (
    <>
      <PageHeader title="Conflicts" description="Edits made at the same time on two computers: the newer one won; the other is kept here (newest first, up to 200)." />
      <Paper withBorder p="md">
        <form onSubmit={apply}>
          <Group mb="md" align="flex-end" wrap="wrap">
            <BrokerageSelect admin={admin} allowAll value={brokerageId} onChange={setBrokerageId} />
            {field('table', 'Table', { placeholder: 'e.g. contacts' })}
            {field('field', 'Field', { placeholder: 'e.g. phone' })}
            {field('user', 'Overwritten user', { placeholder: 'Name or email' })}
            {field('from', 'From', { type: 'date' })}
            {field('to', 'To', { type: 'date' })}
            <Button type="submit" variant="light">
              Filter
            </Button>
            <Button variant="subtle" onClick={() => { setDraft(EMPTY); setFilters(EMPTY); }}>
              Clear
            </Button>
          </Group>
        </form>
        <ErrorNotice error={list.error} onRetry={list.reload} />
        <Loading what="conflicts" show={list.loading && !list.data} />
        {list.data && list.data.conflicts.length === 0 ? (
          <EmptyState>No conflicts match. That is the normal state: they happen only when two people edit the same field while apart.</EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table striped aria-label="Conflicts">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Record</Table.Th>
                  <Table.Th>Field</Table.Th>
                  <Table.Th>Kept value</Table.Th>
                  <Table.Th>Overwritten value</Table.Th>
                  <Table.Th>Overwritten edit by</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(list.data?.conflicts ?? []).map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>{formatDateTime(c.createdAt)}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{c.tableName}</Text>
                      <Text size="xs" c="dimmed">
                        {c.rowId}
                      </Text>
                    </Table.Td>
                    <Table.Td>{c.field}</Table.Td>
                    <Table.Td>
                      <Code>{show(c.winningValue)}</Code>
                    </Table.Td>
                    <Table.Td>
                      <Code>{show(c.losingValue)}</Code>
                    </Table.Td>
                    <Table.Td>{c.losingUserName ? `${c.losingUserName} (${c.losingUserEmail})` : '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
    </>
  );
}
