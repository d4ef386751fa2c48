import { Alert, Button, FileButton, Group, Modal, Progress, ScrollArea, Select, Stack, Table, Text } from '@mantine/core';
import { IconDownload, IconFileImport } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import type { OperationOutput } from '../../../shared/api/ipcContract.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { downloadTextFile } from '../utils/downloadFile.ts';

type Parsed = NonNullable<OperationOutput<'uploadImportChunk'>['parsed']>;
type Field = Parsed['mapping'][number];
type Validation = OperationOutput<'validateImport'>;
type Progress = OperationOutput<'getImportProgress'>;

/** The largest file the app accepts (the main process checks it too). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Raw bytes per upload message: base64 of 512 KiB stays under the socket's 1 MiB message limit. */
const PIECE_BYTES = 512 * 1024;

const FIELD_OPTIONS: { value: string; label: string }[] = [
  { value: '', label: 'Don’t import' },
  { value: 'first_name', label: 'First name' },
  { value: 'last_name', label: 'Last name' },
  { value: 'full_name', label: 'Full name' },
  { value: 'email', label: 'Email' },
  { value: 'phone', label: 'Phone' },
  { value: 'stage', label: 'Stage' },
  { value: 'tags', label: 'Tags' },
  { value: 'source', label: 'Source' },
  { value: 'zipcode', label: 'Zip code' },
  { value: 'external_id', label: 'ID in the old system' },
  { value: 'household_size', label: 'Household size' },
  { value: 'age_band', label: 'Age band' },
  { value: 'created_at', label: 'Client since (date)' },
  { value: 'note', label: 'Note' },
];

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** CSV import: choose a file, check the guessed column mapping, see every row's problems, import the valid rows. */
export function ImportModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const api = useApi();
  const [parsed, setParsed] = useState<Parsed | null>(null);
  const [mapping, setMapping] = useState<Field[]>([]);
  const [validation, setValidation] = useState<Validation | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const poll = useRef<ReturnType<typeof setInterval> | null>(null);

  const reset = () => {
    setParsed(null);
    setMapping([]);
    setValidation(null);
    setProgress(null);
    setError(null);
    setBusy(null);
  };
  useEffect(() => () => void (poll.current && clearInterval(poll.current)), []);

  const choose = async (file: File | null) => {
    if (!file) return;
    reset();
    if (file.size > MAX_FILE_BYTES) return setError(`${file.name} is ${(file.size / 1048576).toFixed(0)} MB; the largest file ROI Desk imports is 64 MB. Split it and import the parts.`);
    setBusy('Reading the file…');
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      let importId: string | undefined;
      let result: Parsed | null = null;
      for (let at = 0; result === null; at += PIECE_BYTES) {
        const last = at + PIECE_BYTES >= bytes.length;
        const answer = await api.uploadImportChunk({ ...(importId ? { importId } : {}), fileName: file.name, chunk: toBase64(bytes.subarray(at, at + PIECE_BYTES)), last });
        importId = answer.importId;
        result = answer.parsed;
        if (last && !result) throw new Error('The app did not read the file.');
      }
      setParsed(result);
      setMapping(result.mapping);
    } catch (cause) {
      setError(errorMessage(cause));
    } finally {
      setBusy(null);
    }
  };

  const validate = async () => {
    if (!parsed) return;
    setBusy('Checking every row…');
    setError(null);
    try {
      setValidation(await api.validateImport({ importId: parsed.importId, mapping }));
    } catch (cause) {
      setError(errorMessage(cause));
    } finally {
      setBusy(null);
    }
  };

  const run = async () => {
    if (!parsed) return;
    setError(null);
    setProgress({ importId: parsed.importId, phase: 'validating', done: 0, total: parsed.rowCount, imported: 0, error: null });
    poll.current = setInterval(() => {
      api.getImportProgress({ importId: parsed.importId }).then(setProgress, () => {});
    }, 300);
    try {
      const final = await api.runImport({ importId: parsed.importId, mapping });
      setProgress(final);
      if (final.phase === 'failed') setError(final.error ?? 'The import failed; nothing was imported.');
    } catch (cause) {
      setError(errorMessage(cause));
      setProgress(null);
    } finally {
      if (poll.current) clearInterval(poll.current);
      poll.current = null;
    }
  };

  const cancel = () => parsed && void api.cancelImport({ importId: parsed.importId }).then(setProgress, () => {});
  const running = progress !== null && (progress.phase === 'validating' || progress.phase === 'saving');
  const close = () => {
    if (running) return;
    reset();
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title="Import contacts from CSV" size="90%" closeOnEscape={!running} closeOnClickOutside={!running}>
      <Stack>
        {error && (
          <Alert color="red" variant="light" role="alert" title="Import problem">
            {error}
          </Alert>
        )}
        {!parsed && (
          <Stack align="flex-start" gap="xs">
            <Text size="sm">
              Choose a CSV exported from your old CRM or a spreadsheet (comma, semicolon or tab separated; UTF-8 or Windows encoding). You check the columns and every row&apos;s
              problems before anything is imported.
            </Text>
            <FileButton onChange={(file) => void choose(file)} accept=".csv,.tsv,.txt,text/csv,text/plain">
              {(props) => (
                <Button {...props} leftSection={<IconFileImport size={16} />} loading={busy !== null}>
                  Choose file…
                </Button>
              )}
            </FileButton>
          </Stack>
        )}
        {parsed && (
          <>
            <Text size="sm">
              <b>{parsed.fileName}</b>: {parsed.rowCount.toLocaleString()} rows, {parsed.headers.length} columns, {parsed.delimiter === '\t' ? 'tab' : `“${parsed.delimiter}”`} separated,{' '}
              {parsed.encoding === 'latin-1' ? 'Windows (latin-1) encoding found' : 'UTF-8'}.
            </Text>
            {parsed.warnings.map((warning) => (
              <Alert key={warning} color="yellow" variant="light">
                {warning}
              </Alert>
            ))}
            <ScrollArea type="auto">
              <Table withTableBorder fz="xs" aria-label="Column mapping and preview">
                <Table.Thead>
                  <Table.Tr>
                    {parsed.headers.map((header, column) => (
                      <Table.Th key={column} miw={150}>
                        <Text size="xs" fw={700} truncate>
                          {header}
                        </Text>
                        <Select
                          size="xs"
                          mt={4}
                          aria-label={`Import column ${header} as`}
                          data={FIELD_OPTIONS}
                          value={mapping[column] ?? ''}
                          allowDeselect={false}
                          disabled={running || progress?.phase === 'done'}
                          onChange={(value) => {
                            setValidation(null);
                            setMapping((current) => current.map((field, i) => (i === column ? ((value || null) as Field) : field)));
                          }}
                        />
                      </Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {parsed.preview.map((row, i) => (
                    <Table.Tr key={i}>
                      {row.map((cell, column) => (
                        <Table.Td key={column} maw={240} style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                          {cell}
                        </Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollArea>
            {validation && (
              <Stack gap="xs" data-testid="import-report">
                <Text size="sm" fw={600}>
                  {validation.valid.toLocaleString()} rows can be imported; {validation.invalid.toLocaleString()} have problems
                  {validation.duplicatesInFile + validation.duplicatesExisting > 0
                    ? ` (${validation.duplicatesInFile} duplicates within the file, ${validation.duplicatesExisting} already contacts)`
                    : ''}
                  .
                </Text>
                {validation.issues.length > 0 && (
                  <>
                    <ScrollArea.Autosize mah={200} type="auto">
                      <Table fz="xs" withTableBorder aria-label="Problems found">
                        <Table.Thead>
                          <Table.Tr>
                            <Table.Th>Row</Table.Th>
                            <Table.Th>Column</Table.Th>
                            <Table.Th>Problem</Table.Th>
                          </Table.Tr>
                        </Table.Thead>
                        <Table.Tbody>
                          {validation.issues.map((issue, i) => (
                            <Table.Tr key={i}>
                              <Table.Td>{issue.row}</Table.Td>
                              <Table.Td>{issue.column ?? '—'}</Table.Td>
                              <Table.Td>{issue.message}</Table.Td>
                            </Table.Tr>
                          ))}
                        </Table.Tbody>
                      </Table>
                    </ScrollArea.Autosize>
                    <Group>
                      <Button
                        variant="default"
                        size="xs"
                        leftSection={<IconDownload size={14} />}
                        onClick={() => downloadTextFile(`${parsed.fileName.replace(/\.[^.]+$/, '')}-errors.csv`, `\uFEFF${validation.errorReport}`)}
                      >
                        Download error report (CSV)
                      </Button>
                    </Group>
                  </>
                )}
              </Stack>
            )}
            {progress && progress.phase !== 'idle' && (
              <Stack gap={4} aria-live="polite">
                <Progress value={progress.total ? (progress.phase === 'done' ? 100 : (progress.done / progress.total) * (progress.phase === 'saving' ? 100 : 90)) : 0} animated={running} />
                <Text size="sm">
                  {progress.phase === 'validating' && `Checking rows: ${progress.done.toLocaleString()} of ${progress.total.toLocaleString()}…`}
                  {progress.phase === 'saving' && 'Saving the contacts (one step: all or nothing)…'}
                  {progress.phase === 'done' && `Imported ${progress.imported.toLocaleString()} contacts. They sync to your brokerage when you are online.`}
                  {progress.phase === 'cancelled' && 'Import cancelled: nothing was imported.'}
                  {progress.phase === 'failed' && 'The import failed: nothing was imported.'}
                </Text>
              </Stack>
            )}
            <Group justify="space-between">
              <Button variant="subtle" onClick={reset} disabled={running}>
                Choose another file
              </Button>
              <Group>
                {running ? (
                  <Button color="red" variant="light" onClick={cancel} disabled={progress?.phase === 'saving'}>
                    Cancel import
                  </Button>
                ) : progress?.phase === 'done' ? (
                  <Button onClick={close}>Done</Button>
                ) : (
                  <>
                    <Button variant="default" onClick={() => void validate()} loading={busy !== null}>
                      Check rows
                    </Button>
                    <Button onClick={() => void run()} disabled={!validation || validation.valid === 0}>
                      {validation ? `Import ${validation.valid.toLocaleString()} valid rows` : 'Import'}
                    </Button>
                  </>
                )}
              </Group>
            </Group>
          </>
        )}
      </Stack>
    </Modal>
  );
}
