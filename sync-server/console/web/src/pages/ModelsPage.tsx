// The model registry: every version of each model with its card, upload (validated by the server:
// loads in onnxruntime, same inputs and outputs as the active version), activate and roll back.
import { Badge, Button, FileInput, Group, Modal, Paper, ScrollArea, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { api, query } from '../api.ts';
import { ConfirmButton, EmptyState, ErrorNotice, Loading, formatBytes, formatDateTime, notifyDone, notifyError, PageHeader } from '../components/ui.tsx';
import { useResource } from '../components/useResource.ts';
import type { ModelVersion, SessionInfo } from '../types.ts';

const MODEL_NAMES = ['intent-sell', 'intent-buy', 'intent-refinance', 'intent-investment', 'avm'];

/** The card's metric lines: markdown tables and bullet lines mentioning a metric, so the list stays short. */
function metricsOf(card: string | undefined): string {
  if (!card) return '';
  const lines = card.split('\n');
  const start = lines.findIndex((line) => /^#+ .*(metric|evaluation|performance|accuracy)/i.test(line));
  if (start < 0) return '';
  const end = lines.findIndex((line, index) => index > start && /^#+ /.test(line));
  return lines.slice(start, end < 0 ? undefined : end).join('\n').trim();
}

export function ModelsPage({ session }: { session: SessionInfo }) {
  const admin = session.user.role === 'admin';
  const versions = useResource((signal) => api<{ versions: ModelVersion[] }>('GET', '/models', { signal }), 'models');
  const [card, setCard] = useState<ModelVersion | null>(null);
  const byName = new Map<string, ModelVersion[]>();
  for (const version of versions.data?.versions ?? []) byName.set(version.name, [...(byName.get(version.name) ?? []), version]);

  return (
    <>
      <PageHeader title="Models" description="Devices download the active version of each model at their next check and verify its SHA-256." />
      <ErrorNotice error={versions.error} onRetry={versions.reload} />
      <Loading what="models" show={versions.loading && !versions.data} />
      {admin && <UploadForm onUploaded={versions.reload} />}
      {versions.data && byName.size === 0 && <EmptyState>No models are registered on this server.</EmptyState>}
      <Stack>
        {[...byName.entries()].map(([name, list]) => {
          const canRollBack = list.some((v) => !v.active && v.activatedAt);
          return (
            <Paper withBorder p="md" key={name}>
              <Group justify="space-between" mb="xs">
                <Title order={2} size="h4">
                  {name}
                </Title>
                {admin && canRollBack && (
                  <ConfirmButton
                    label="Roll back"
                    color="orange"
                    ariaLabel={`Roll back ${name}`}
                    title={`Roll back ${name}?`}
                    message="The version that was active before the current one becomes active again; devices switch at their next model check."
                    confirmLabel="Roll back"
                    onConfirm={async () => {
                      const result = await api<{ active: string }>('POST', `/models/${name}/rollback`);
                      notifyDone(`${name} rolled back to ${result.active}.`);
                      versions.reload();
                    }}
                  />
                )}
              </Group>
              <Table.ScrollContainer minWidth={800}>
                <Table aria-label={`Versions of ${name}`}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Version</Table.Th>
                      <Table.Th>SHA-256</Table.Th>
                      <Table.Th>Size</Table.Th>
                      <Table.Th>Added</Table.Th>
                      <Table.Th>Notes</Table.Th>
                      <Table.Th>Actions</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {list.map((v) => (
                      <Table.Tr key={v.id} data-testid="model-version-row">
                        <Table.Td>
                          <Group gap={6}>
                            <Text size="sm">{v.version}</Text>
                            {v.active && <Badge color="green">Active</Badge>}
                          </Group>
                        </Table.Td>
                        <Table.Td>
                          <Text size="xs" ff="monospace" title={v.sha256}>
                            {v.sha256.slice(0, 16)}…
                          </Text>
                        </Table.Td>
                        <Table.Td>{formatBytes(v.size)}</Table.Td>
                        <Table.Td>
                          {formatDateTime(v.createdAt)}
                          {v.metadata.uploadedBy ? ` by ${v.metadata.uploadedBy}` : ''}
                        </Table.Td>
                        <Table.Td>{v.metadata.notes ?? ''}</Table.Td>
                        <Table.Td>
                          <Group gap={6} wrap="nowrap">
                            <Button size="xs" variant="light" onClick={() => setCard(v)} disabled={!v.metadata.card} aria-label={`Model card of ${name} ${v.version}`}>
                              Model card
                            </Button>
                            {admin && !v.active && (
                              <ConfirmButton
                                label="Activate"
                                color="indigo"
                                ariaLabel={`Activate ${name} ${v.version}`}
                                title={`Activate ${name} ${v.version}?`}
                                message="Every device switches to this version at its next model check; new alerts name it."
                                confirmLabel="Activate"
                                onConfirm={async () => {
                                  await api('POST', `/models/${name}/versions/${encodeURIComponent(v.version)}/activate`);
                                  notifyDone(`${name} ${v.version} is active.`);
                                  versions.reload();
                                }}
                              />
                            )}
                          </Group>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Paper>
          );
        })}
      </Stack>
      <Modal closeButtonProps={{ 'aria-label': 'Close' }} opened={card !== null} onClose={() => setCard(null)} title={card ? `${card.name} ${card.version} — model card` : ''} size="xl">
        {card && (
          <Stack>
            {typeof card.metadata.cardOf === 'string' && (
              <Text size="sm" c="dimmed">
                This version was uploaded without its own card: shown is the card of version {card.metadata.cardOf}.
              </Text>
            )}
            {metricsOf(card.metadata.card) && (
              <Paper withBorder p="sm">
                <Text fw={600} size="sm" mb={4}>
                  Metrics
                </Text>
                <Text component="pre" size="xs" style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
                  {metricsOf(card.metadata.card)}
                </Text>
              </Paper>
            )}
            <ScrollArea h={420}>
              <Text component="pre" size="xs" style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
                {card.metadata.card}
              </Text>
            </ScrollArea>
          </Stack>
        )}
      </Modal>
    </>
  );
}

function UploadForm({ onUploaded }: { onUploaded: () => void }) {
  const [name, setName] = useState<string | null>(null);
  const [version, setVersion] = useState('');
  const [notes, setNotes] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name || !file) return;
    setBusy(true);
    setError(null);
    try {
      await api('POST', `/models/${name}/versions${query({ version, notes })}`, { raw: file });
      notifyDone(`${name} ${version} uploaded and checked. Activate it when ready.`);
      setVersion('');
      setNotes('');
      setFile(null);
      onUploaded();
    } catch (failure) {
      setError((failure as Error).message);
      notifyError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Paper withBorder p="md" mb="lg">
      <Title order={2} size="h4" mb="sm">
        Upload a version
      </Title>
      <form onSubmit={(event) => void submit(event)} aria-label="Upload a model version">
        <Group align="flex-end" wrap="wrap">
          <Select label="Model" data={MODEL_NAMES} value={name} onChange={setName} required w={200} />
          <TextInput label="Version" placeholder="e.g. 2026-11-v2" value={version} onChange={(e) => setVersion(e.currentTarget.value)} required w={180} />
          <FileInput label="ONNX file" placeholder="Choose a .onnx file" accept=".onnx" value={file} onChange={setFile} required w={240} clearable />
          <TextInput label="Notes" placeholder="What changed" value={notes} onChange={(e) => setNotes(e.currentTarget.value)} w={240} />
          <Button type="submit" loading={busy} disabled={!name || !file || !version}>
            Upload and check
          </Button>
        </Group>
        {error && (
          <Text c="red" size="sm" mt="sm" role="alert">
            {error}
          </Text>
        )}
      </form>
    </Paper>
  );
}
