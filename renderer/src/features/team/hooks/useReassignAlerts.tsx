import { Button, Group, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useCallback } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { notify } from '../utils/notify.ts';

export type ReassignRequest = {
  fromAgentId: string | null;
  toAgentId: string | null;
  alertIds?: string[];
  /** For the messages: "Avery", "nobody". */
  fromName: string;
  toName: string;
};

const plural = (n: number) => `${n} open alert${n === 1 ? '' : 's'}`;

/**
 * Hands open alerts to someone else through the local replica (works offline, syncs), then offers an
 * undo that moves exactly those alerts back.
 */
export function useReassignAlerts(onChanged: () => void): (request: ReassignRequest) => Promise<void> {
  const api = useApi();
  return useCallback(
    async ({ fromAgentId, toAgentId, alertIds, fromName, toName }: ReassignRequest) => {
      const moved = await api.reassignOpenAlerts({ fromAgentId, toAgentId, ...(alertIds ? { alertIds } : {}) });
      onChanged();
      if (moved.alertIds.length === 0) {
        notify({ message: `${fromName} has no open alerts to hand over.` });
        return;
      }
      const id = `reassign-${Date.now()}`;
      const undo = async () => {
        notifications.hide(id);
        try {
          await api.reassignOpenAlerts({ fromAgentId: toAgentId, toAgentId: fromAgentId, alertIds: moved.alertIds });
          notify({ message: `Moved ${plural(moved.alertIds.length)} back to ${fromName}.` });
        } catch (cause) {
          notify({ color: 'red', title: 'Could not undo', message: errorMessage(cause) });
        }
        onChanged();
      };
      notify({
        id,
        autoClose: 10_000,
        message: (
          <Group justify="space-between" wrap="nowrap" gap="sm">
            <Text size="sm">
              Moved {plural(moved.alertIds.length)} from {fromName} to {toName}.
            </Text>
            <Button size="compact-sm" variant="light" onClick={() => void undo()}>
              Undo
            </Button>
          </Group>
        ),
      });
    },
    [api, onChanged],
  );
}
