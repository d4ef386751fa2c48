import { Alert, Button, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import type { RejectedChange } from '../../../shared/api/ipcContract.ts';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';

export type RejectedChangesModalProps = { opened: boolean; onClose: () => void };

const TABLE_LABELS: Record<string, string> = {
  contacts: 'Contact',
  properties: 'Property',
  alerts: 'Alert',
  alert_outcomes: 'Alert outcome',
  notes: 'Note',
  tasks: 'Task',
  activities: 'Activity',
  campaigns: 'Campaign',
  campaign_sends: 'Campaign send',
  suppressions: 'Suppression',
};

/** What the edit tried to set, in a line a person can read. */
function describeChange(change: RejectedChange): string {
  const what = `${TABLE_LABELS[change.tableName] ?? change.tableName} ${change.op === 'insert' ? 'created' : change.op === 'delete' ? 'deleted' : 'changed'}`;
  try {
    const fields = Object.entries(JSON.parse(change.changes) as Record<string, unknown>)
      .map(([field, value]) => `${field.replaceAll('_', ' ')} → ${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(', ');
    return fields ? `${what}: ${fields}` : what;
  } catch {
    return what;
  }
}

/** The local edits the server refused, with its reasons; each can be dismissed once read. */
export function RejectedChangesModal({ opened, onClose }: RejectedChangesModalProps) {
  const api = useApi();
  const [changes, setChanges] = useState<RejectedChange[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    api.listRejectedChanges().then(setChanges, (cause: unknown) => setError(errorMessage(cause)));
  }, [api]);

  useEffect(() => {
    if (opened) load();
  }, [opened, load]);

  const dismiss = async (id: number) => {
    try {
      await api.dismissRejectedChange({ id });
      setChanges((current) => current?.filter((change) => change.id !== id) ?? null);
    } catch (cause) {
      setError(errorMessage(cause));
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title="Changes the server refused" size="lg">
      <Stack gap="sm">
        {error && (
          <Alert color="red" variant="light">
            {error}
          </Alert>
        )}
        {changes === null && !error && <Loader size="sm" aria-label="Loading refused changes" />}
        {changes?.length === 0 && <Text c="dimmed">Nothing was refused: every change you made here reached the server.</Text>}
        {changes?.map((change) => (
          <Alert key={change.id} color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title={describeChange(change)}>
            <Group justify="space-between" align="flex-start" wrap="nowrap">
              <Text size="sm">
                {change.reason}. The record shows the server&apos;s version again.
              </Text>
              <Button size="xs" variant="default" onClick={() => void dismiss(change.id)}>
                Dismiss
              </Button>
            </Group>
          </Alert>
        ))}
      </Stack>
    </Modal>
  );
}
