// Event ingestion: API keys (shown once; rotate, revoke, last used), webhook secrets, a live tail of
// recent ingestion requests and a CSV upload with a per-row report.
import { Badge, Button, FileInput, Group, Paper, Table, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, query } from '../api.ts';
import { BrokerageSelect, ConfirmButton, EmptyState, ErrorNotice, formatDateTime, notifyDone, notifyError, OneTimeSecret, PageHeader } from '../components/ui.tsx';
import { useResource } from '../components/useResource.ts';
import type { CsvReport, IngestKey, SessionInfo, TailEntry, WebhookSecret } from '../types.ts';

export function IngestionPage({ session }: { session: SessionInfo }) {
  const admin = session.user.role === 'admin';
  const [brokerageId, setBrokerageId] = useState<string | null>(admin ? null : session.user.brokerageId);
  const [secret, setSecret] = useState<{ title: string; value: string; explanation: string } | null>(null);
  const filter = admin ? brokerageId : null;
  const keys = useResource((signal) => api<{ keys: IngestKey[] }>('GET', `/ingest/keys${query({ brokerageId: filter })}`, { signal }), `keys|${filter}`);
  const webhooks = useResource((signal) => api<{ webhooks: WebhookSecret[] }>('GET', `/ingest/webhooks${query({ brokerageId: filter })}`, { signal }), `webhooks|${filter}`);

  return (
    <>
      <PageHeader title="Ingestion" description="How the brokerages' websites and tools send engagement events (POST /v1/events, signed webhooks, CSV)." actions={<BrokerageSelect admin={admin} allowAll value={brokerageId} onChange={setBrokerageId} label="Brokerage" />} />
      <KeysPanel admin={admin} brokerageId={admin ? brokerageId : session.user.brokerageId} keys={keys.data?.keys ?? []} error={keys.error} reload={keys.reload} onSecret={setSecret} />
      <WebhooksPanel admin={admin} brokerageId={admin ? brokerageId : session.user.brokerageId} webhooks={webhooks.data?.webhooks ?? []} error={webhooks.error} reload={webhooks.reload} onSecret={setSecret} />
      <CsvPanel brokerageId={admin ? brokerageId : session.user.brokerageId} />
      <TailPanel brokerageId={filter} />
      <OneTimeSecret title={secret?.title ?? ''} value={secret?.value ?? null} explanation={secret?.explanation ?? ''} onClose={() => setSecret(null)} />
    </>
  );
}

type SecretHandler = (secret: { title: string; value: string; explanation: string }) => void;
const KEY_EXPLANATION = 'Copy the key now: it is shown only once (the server keeps only its hash). Send it in an X-Api-Key header.';

function KeysPanel({ admin, brokerageId, keys, error, reload, onSecret }: { admin: boolean; brokerageId: string | null; keys: IngestKey[]; error: Error | null; reload: () => void; onSecret: SecretHandler }) {
  const [label, setLabel] = useState('');
  const create = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const created = await api<{ key: string }>('POST', '/ingest/keys', { body: { label, ...(brokerageId ? { brokerageId } : {}) } });
      onSecret({ title: `New API key “${label}”`, value: created.key, explanation: KEY_EXPLANATION });
      setLabel('');
      reload();
    } catch (failure) {
      notifyError(failure);
    }
  };
  return (
    <Paper withBorder p="md" mb="lg">
      <Title order={2} size="h4" mb="sm">
        API keys
      </Title>
      <ErrorNotice error={error} onRetry={reload} />
      {keys.length === 0 ? (
        <EmptyState>No API keys yet.</EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={800}>
          <Table aria-label="API keys" mb="md">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Label</Table.Th>
                {admin && <Table.Th>Brokerage</Table.Th>}
                <Table.Th>Created</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.map((key) => (
                <Table.Tr key={key.id} data-testid="api-key-row">
                  <Table.Td>{key.label}</Table.Td>
                  {admin && <Table.Td>{key.brokerageName}</Table.Td>}
                  <Table.Td>{formatDateTime(key.createdAt)}</Table.Td>
                  <Table.Td>{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'never'}</Table.Td>
                  <Table.Td>{key.revokedAt ? <Badge color="gray">Revoked</Badge> : <Badge color="green">Active</Badge>}</Table.Td>
                  <Table.Td>
                    {!key.revokedAt && (
                      <Group gap={6} wrap="nowrap">
                        <ConfirmButton
                          label="Rotate"
                          color="orange"
                          ariaLabel={`Rotate key ${key.label} of ${key.brokerageName}`}
                          title={`Rotate “${key.label}”?`}
                          message="A new key replaces this one; the current key is refused from this moment. Update the sender right after."
                          confirmLabel="Rotate key"
                          onConfirm={async () => {
                            const created = await api<{ key: string }>('POST', `/ingest/keys/${key.id}/rotate`);
                            onSecret({ title: `Rotated API key “${key.label}”`, value: created.key, explanation: KEY_EXPLANATION });
                            reload();
                          }}
                        />
                        <ConfirmButton
                          label="Revoke"
                          ariaLabel={`Revoke key ${key.label} of ${key.brokerageName}`}
                          title={`Revoke “${key.label}”?`}
                          message="Requests with this key are refused from this moment."
                          confirmLabel="Revoke key"
                          onConfirm={async () => {
                            await api('POST', `/ingest/keys/${key.id}/revoke`);
                            notifyDone(`Key “${key.label}” revoked.`);
                            reload();
                          }}
                        />
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <form onSubmit={(event) => void create(event)}>
        <Group align="flex-end">
          <TextInput label="New key for" placeholder="e.g. website" value={label} onChange={(e) => setLabel(e.currentTarget.value)} required w={240} />
          <Button type="submit" variant="light" disabled={!brokerageId}>
            Create key
          </Button>
          {!brokerageId && (
            <Text size="sm" c="dimmed">
              Choose a brokerage above first.
            </Text>
          )}
        </Group>
      </form>
    </Paper>
  );
}

function WebhooksPanel({ admin, brokerageId, webhooks, error, reload, onSecret }: { admin: boolean; brokerageId: string | null; webhooks: WebhookSecret[]; error: Error | null; reload: () => void; onSecret: SecretHandler }) {
  const create = async () => {
    try {
      const created = await api<{ id: string; secret: string }>('POST', '/ingest/webhooks', { body: brokerageId ? { brokerageId } : {} });
      onSecret({
        title: `Webhook secret ${created.id}`,
        value: `X-Roi-Webhook-Id: ${created.id}\nsecret: ${created.secret}`,
        explanation: 'Copy both now; the secret is not shown again. Sign "<unix timestamp>.<raw body>" with HMAC-SHA256 and send X-Roi-Webhook-Id, X-Roi-Timestamp and X-Roi-Signature: sha256=<hex>.',
      });
      reload();
    } catch (failure) {
      notifyError(failure);
    }
  };
  return (
    <Paper withBorder p="md" mb="lg">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          Webhook secrets
        </Title>
        <Button variant="light" size="xs" onClick={() => void create()} disabled={!brokerageId}>
          Create webhook secret
        </Button>
      </Group>
      <ErrorNotice error={error} onRetry={reload} />
      {webhooks.length === 0 ? (
        <EmptyState>No webhook secrets yet.</EmptyState>
      ) : (
        <Table aria-label="Webhook secrets">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Webhook id</Table.Th>
              {admin && <Table.Th>Brokerage</Table.Th>}
              <Table.Th>Created</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {webhooks.map((w) => (
              <Table.Tr key={w.id}>
                <Table.Td>
                  <Text ff="monospace" size="sm">
                    {w.id}
                  </Text>
                </Table.Td>
                {admin && <Table.Td>{w.brokerageName}</Table.Td>}
                <Table.Td>{formatDateTime(w.createdAt)}</Table.Td>
                <Table.Td>{w.revokedAt ? <Badge color="gray">Revoked</Badge> : <Badge color="green">Active</Badge>}</Table.Td>
                <Table.Td>
                  {!w.revokedAt && (
                    <ConfirmButton
                      label="Revoke"
                      ariaLabel={`Revoke webhook ${w.id}`}
                      title={`Revoke webhook ${w.id}?`}
                      message="Webhooks signed with this secret are refused from this moment."
                      confirmLabel="Revoke secret"
                      onConfirm={async () => {
                        await api('POST', `/ingest/webhooks/${w.id}/revoke`);
                        reload();
                      }}
                    />
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

function CsvPanel({ brokerageId }: { brokerageId: string | null }) {
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<CsvReport | null>(null);
  const [busy, setBusy] = useState(false);
  const upload = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    try {
      setReport(await api<CsvReport>('POST', `/ingest/csv${query({ brokerageId })}`, { raw: file, contentType: 'text/csv' }));
    } catch (failure) {
      notifyError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Paper withBorder p="md" mb="lg">
      <Title order={2} size="h4" mb="sm">
        Upload events (CSV)
      </Title>
      <form onSubmit={(event) => void upload(event)}>
        <Group align="flex-end">
          <FileInput label="CSV file" description="Columns: event_id, contact_id, type, occurred_at, props" accept=".csv,text/csv" value={file} onChange={setFile} w={320} clearable />
          <Button type="submit" loading={busy} disabled={!file || !brokerageId}>
            Upload
          </Button>
        </Group>
      </form>
      {report && (
        <div role="status" aria-live="polite">
          <Text mt="md" size="sm" data-testid="csv-report-summary">
            {report.accepted} imported, {report.duplicates} duplicates, {report.rejected} rejected.
          </Text>
          {report.errors.length > 0 && (
            <Table aria-label="Rejected rows" mt="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Line</Table.Th>
                  <Table.Th>Problem</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {report.errors.map((error, index) => (
                  <Table.Tr key={`${error.row}-${index}`}>
                    <Table.Td>{error.row}</Table.Td>
                    <Table.Td>{error.message}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </div>
      )}
    </Paper>
  );
}

/** Polls the tail every 3 s (as background requests, which do not keep the session alive). */
function TailPanel({ brokerageId }: { brokerageId: string | null }) {
  const [entries, setEntries] = useState<TailEntry[]>([]);
  const [error, setError] = useState<Error | null>(null);
  const [paused, setPaused] = useState(false);
  const since = useRef<string | undefined>(undefined);

  useEffect(() => {
    since.current = undefined;
    setEntries([]);
  }, [brokerageId]);

  useEffect(() => {
    if (paused) return;
    let stopped = false;
    const poll = async () => {
      try {
        const result = await api<{ entries: TailEntry[] }>('GET', `/ingest/tail${query({ brokerageId, since: since.current })}`, { background: true });
        if (stopped) return;
        if (result.entries.length > 0) {
          since.current = result.entries[0]!.at;
          setEntries((current) => [...result.entries, ...current].slice(0, 100));
        }
        setError(null);
      } catch (failure) {
        if (!stopped) setError(failure as Error);
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), 3_000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [brokerageId, paused]);

  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          Live tail
        </Title>
        <Button size="xs" variant="default" onClick={() => setPaused(!paused)}>
          {paused ? 'Resume' : 'Pause'}
        </Button>
      </Group>
      <Text size="xs" c="dimmed" mb="xs">
        Ingestion requests this server instance received, newest first (refused ones too).
      </Text>
      <ErrorNotice error={error} />
      {entries.length === 0 ? (
        <EmptyState>Nothing received since this page opened. Events appear here within a few seconds of arriving.</EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={800}>
          <Table aria-label="Recent ingestion requests" aria-live="polite">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Via</Table.Th>
                <Table.Th>Result</Table.Th>
                <Table.Th>Events</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.map((entry, index) => (
                <Table.Tr key={`${entry.at}-${index}`} data-testid="tail-row">
                  <Table.Td>{formatDateTime(entry.at)}</Table.Td>
                  <Table.Td>
                    {entry.source} {entry.keyLabel ? `(${entry.keyLabel})` : ''}
                  </Table.Td>
                  <Table.Td>
                    {entry.status >= 400 ? (
                      <Text size="sm" c="red">
                        Refused ({entry.status}){entry.message ? `: ${entry.message}` : ''}
                      </Text>
                    ) : (
                      `${entry.accepted} accepted, ${entry.duplicates} duplicates${entry.rejected ? `, ${entry.rejected} rejected` : ''}`
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs">{entry.events.map((e) => `${e.type} · ${e.contactId}`).join('; ') || '—'}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}
