import { Alert } from '@mantine/core';
import { IconInfoCircle, IconLock } from '@tabler/icons-react';
import type { SignedOutNotice } from '../states/sessionState.ts';

export type SignedOutNoticeAlertProps = {
  notice: SignedOutNotice;
  onClose: () => void;
};

const changesKept = (count: number): string =>
  count === 0
    ? 'Everything had synced.'
    : `${count} unsynced ${count === 1 ? 'change was' : 'changes were'} kept on this computer and will sync after you sign in again.`;

export function SignedOutNoticeAlert({ notice, onClose }: SignedOutNoticeAlertProps) {
  if (notice.kind === 'ended') {
    return (
      <Alert
        color="orange"
        variant="light"
        icon={<IconLock size={18} />}
        title="You've been signed out"
        withCloseButton
        closeButtonLabel="Dismiss"
        onClose={onClose}
        data-testid="session-ended-notice"
      >
        Your session on this device ended: an administrator may have revoked this device, or the session expired. Sign in
        again to continue; if this device was revoked, ask your admin.
      </Alert>
    );
  }
  return (
    <Alert
      color="gray"
      variant="light"
      icon={<IconInfoCircle size={18} />}
      title="Signed out"
      withCloseButton
      closeButtonLabel="Dismiss"
      onClose={onClose}
      data-testid="signed-out-notice"
    >
      {changesKept(notice.pendingChangesKept)}
    </Alert>
  );
}
