import { Alert, Button, Group, Modal, NativeSelect, Stack, Text } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import type { TeamOverview } from '../utils/teamFormat.ts';

const NOBODY = '__nobody__';

export type ReassignTarget = {
  /** Whose alerts move (null: the unassigned ones). */
  fromAgentId: string | null;
  fromName: string;
  count: number;
  /** Only these alerts (e.g. one escalated alert); omitted: all of the holder's open alerts. */
  alertIds?: string[];
};

export type ReassignAlertsModalProps = {
  target: ReassignTarget | null;
  agents: TeamOverview['agents'];
  onClose: () => void;
  onConfirm: (toAgentId: string | null, toName: string) => Promise<void>;
};

/** Asks who takes the alerts before anything moves; the move itself can be undone from the toast. */
export function ReassignAlertsModal({ target, agents, onClose, onConfirm }: ReassignAlertsModalProps) {
  const candidates = agents.filter((agent) => agent.active && agent.id !== target?.fromAgentId);
  const [choice, setChoice] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const options = [
    { value: '', label: 'Choose who takes them…', disabled: true },
    ...candidates.map((agent) => ({ value: agent.id, label: `${agent.name} — ${agent.openAlerts} open` })),
    ...(target?.fromAgentId !== null ? [{ value: NOBODY, label: 'Nobody (unassigned: every agent sees them)' }] : []),
  ];

  const close = () => {
    setChoice('');
    setError(null);
    onClose();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!choice) {
      setError('Choose who takes the alerts.');
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const toName = choice === NOBODY ? 'nobody' : (candidates.find((agent) => agent.id === choice)?.name ?? 'them');
      await onConfirm(choice === NOBODY ? null : choice, toName);
      close();
    } catch (cause) {
      setError(errorMessage(cause));
    } finally {
      setSaving(false);
    }
  };

  const what = target ? `${target.count} open alert${target.count === 1 ? '' : 's'}` : '';
  return (
    <Modal opened={target !== null} onClose={close} title={target ? `Reassign ${target.fromName}’s alerts` : ''}>
      {target && (
        <form onSubmit={(event) => void submit(event)}>
          <Stack>
            <Text size="sm">
              {target.alertIds ? `The selected ${what}` : `All ${what}`} held by {target.fromName} will move. Closed alerts (converted,
              dismissed) stay where they are.
            </Text>
            <NativeSelect
              label="Hand them to"
              data={options}
              value={choice}
              onChange={(event) => setChoice(event.currentTarget.value)}
              error={!choice && error ? error : undefined}
              data-autofocus
            />
            {error && choice && (
              <Alert color="red" icon={<IconAlertCircle size={18} />} title="Nothing was moved">
                {error}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={saving}>
                Move {what}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
