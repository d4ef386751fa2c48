import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useSignOut } from '../hooks/useSignOut.ts';

export type SignOutConfirmModalProps = {
  opened: boolean;
  onClose: () => void;
  /** Changes on this device not yet pushed to the server; null while the sync status is unknown. */
  pendingChanges: number | null;
};

function UnsyncedChangesText({ pendingChanges }: { pendingChanges: number | null }) {
  if (pendingChanges === null) {
    return <Text size="sm">The sync status is unknown right now, so some changes may not have reached the server yet.</Text>;
  }
  if (pendingChanges === 0) return <Text size="sm">All your changes have synced.</Text>;
  return (
    <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} data-testid="unsynced-changes-warning">
      {pendingChanges} {pendingChanges === 1 ? 'change has' : 'changes have'} not synced yet. They stay on this computer and
      sync after you sign in again.
    </Alert>
  );
}

export function SignOutConfirmModal({ opened, onClose, pendingChanges }: SignOutConfirmModalProps) {
  const signOut = useSignOut();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const close = () => {
    if (busy) return;
    setError(null);
    onClose();
  };

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await signOut(); // on success the whole frame unmounts, this modal with it
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={close} title="Sign out of ROI Desk?" centered>
      <Stack gap="md">
        <UnsyncedChangesText pendingChanges={pendingChanges} />
        {error && (
          <Alert color="red" variant="light" title="Could not sign out">
            {error}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={close} disabled={busy}>
            Cancel
          </Button>
          <Button color="red" onClick={confirm} loading={busy} data-autofocus>
            Sign out
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
