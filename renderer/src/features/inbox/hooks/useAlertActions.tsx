import { Button, Group, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { toast } from '../utils/toast.ts';
import { useCallback } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { ACTION_DONE } from '../utils/alertLabels.ts';
import type { AlertAction } from '../utils/inboxTypes.ts';

const plural = (n: number) => (n === 1 ? '1 alert' : `${n} alerts`);

/**
 * Status changes and assignment, one call for any number of alerts, each followed by a toast with Undo
 * (which writes the previous values back). Failures say why in a red toast; nothing was changed then.
 */
export function useAlertActions() {
  const api = useApi();

  const offerUndo = useCallback(
    (text: string, undoId: string | null) => {
      const id = `alert-undo-${undoId ?? Date.now()}`;
      const undo = () => {
        notifications.hide(id);
        if (!undoId) return;
        api.undoAlertChanges({ undoId }).then(
          ({ restored, skipped }) =>
            toast({
              message: skipped > 0 ? `Undone for ${plural(restored)}; ${plural(skipped)} changed since and kept.` : `Undone: ${plural(restored)} restored.`,
            }),
          (cause: unknown) => toast({ color: 'red', title: 'Could not undo', message: errorMessage(cause) }),
        );
      };
      toast({
        id,
        autoClose: 8000,
        message: (
          <Group justify="space-between" wrap="nowrap" gap="sm">
            <Text size="sm">{text}</Text>
            {undoId && (
              <Button size="compact-sm" color="indigo.7" onClick={undo}>
                Undo
              </Button>
            )}
          </Group>
        ),
      });
    },
    [api],
  );

  const change = useCallback(
    async (ids: string[], action: AlertAction, snoozedUntil?: string): Promise<boolean> => {
      try {
        const { changed, undoId } = await api.changeAlerts({ ids, action, ...(snoozedUntil ? { snoozedUntil } : {}) });
        offerUndo(changed === 0 ? `Already ${ACTION_DONE[action]}.` : `${plural(changed)} ${ACTION_DONE[action]}.`, undoId);
        return true;
      } catch (cause) {
        toast({ color: 'red', title: 'Nothing was changed', message: errorMessage(cause) });
        return false;
      }
    },
    [api, offerUndo],
  );

  const assign = useCallback(
    async (ids: string[], agentId: string | null, agentName: string): Promise<boolean> => {
      try {
        const { changed, undoId } = await api.assignAlerts({ ids, agentId });
        offerUndo(`${plural(changed)} assigned to ${agentName}.`, undoId);
        return true;
      } catch (cause) {
        toast({ color: 'red', title: 'Nothing was changed', message: errorMessage(cause) });
        return false;
      }
    },
    [api, offerUndo],
  );

  return { change, assign };
}
