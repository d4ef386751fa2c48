// Who did what when: filterable, paged, exportable as CSV (the export is itself recorded).
import { Button, Code, Group, Paper, Table, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { api, query } from '../api.ts';
import { BrokerageSelect, EmptyState, ErrorNotice, Loading, formatDateTime, PageHeader } from '../components/ui.tsx';
import { useResource } from '../components/useResource.ts';
import type { AuditEntry, SessionInfo } from '../types.ts';

type Filters = { actor: string; action: string; from: string; to: string };
const EMPTY: Filters = { actor: '', action: '', from: '', to: '' };

export function AuditPage({ session }: { session: SessionInfo }) {
  const admin = session.user.role === 'admin';
  const [brokerageId, setBrokerageId] = useState<string | null>(null);
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [before, setBefore] = useState<number[]>([]);
  const params = { brokerageId, ...filters, to: filters.to ? `${filters.to}T23:59:59.999Z` : '' };
  const path = `/audit${query({ ...params, before: before[before.length - 1] })}`;
  const log = useResource((signal) => api<{ entries: AuditEntry[]; nextBefore: number | null }>('GET', path, { signal }), path);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setBefore([]);
    setFilters(draft);
  };
  const input = (key: keyof Filters, label: string, props: { type?: string; placeholder?: string } = {}) => (
    <TextInput label={label} value={draft[key]} onChange={(e) => setDraft({ ...draft, [key]: e.currentTarget.value })} w={180} {...props} />
  );

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every console action and security-relevant server action, newest first."
        actions={
          <Button component="a" href={`/console/api/audit.csv${query(params)}`} download variant="light">
            Export CSV
          </Button>
        }
      />
      <Paper withBorder p="md">
        <form onSubmit={apply}>
          <Group mb="md" align="flex-end" wrap="wrap">
            <BrokerageSelect admin={admin} allowAll value={brokerageId} onChange={(value) => { setBefore([]); setBrokerageId(value); }} />
            {input('actor', 'Who', { placeholder: 'Email' })}
            {input('action', 'Action', { placeholder: 'e.g. user. or device.revoked' })}
            {input('from', 'From', { type: 'date' })}
            {input('to', 'To', { type: 'date' })}
            <Button type="submit" variant="light">
              Filter
            </Button>
            <Button variant="subtle" onClick={() => { setDraft(EMPTY); setFilters(EMPTY); setBefore([]); }}>
              Clear
            </Button>
          </Group>
        </form>
        <ErrorNotice error={log.error} onRetry={log.reload} />
        <Loading what="the audit log" show={log.loading && !log.data} />
        {log.data && log.data.entries.length === 0 ? (
          <EmptyState>No entries match these filters.</EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table striped aria-label="Audit log">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Who</Table.Th>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>Target</Table.Th>
                  <Table.Th>Details</Table.Th>
                  <Table.Th>From</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(log.data?.entries ?? []).map((entry) => (
                  <Table.Tr key={entry.id} data-testid="audit-row">
                    <Table.Td>{formatDateTime(entry.createdAt)}</Table.Td>
                    <Table.Td>{entry.actorEmail || '—'}</Table.Td>
                    <Table.Td>{entry.action}</Table.Td>
                    <Table.Td>
                      <Text size="xs">
                        {entry.targetType} {entry.targetId}
                      </Text>
                    </Table.Td>
                    <Table.Td>{Object.keys(entry.details).length > 0 ? <Code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{JSON.stringify(entry.details)}</Code> : ''}</Table.Td>
                    <Table.Td>{entry.ip}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" size="xs" disabled={before.length === 0} onClick={() => setBefore(before.slice(0, -1))}>
            Newer
          </Button>
          <Button variant="default" size="xs" disabled={!log.data?.nextBefore} onClick={() => log.data?.nextBefore && setBefore([...before, log.data.nextBefore])}>
            Older
          </Button>
        </Group>
      </Paper>
    </>
  );
}
