import { Text } from '@mantine/core';
import { useSyncStatusState } from '../states/syncStatusState.ts';

/**
 * Under a page's "nothing here yet": says that the device is still downloading, when it is. On a first
 * sign-in the lists are empty for a while, and "No contacts yet" alone would read as "you have none".
 */
export function SyncCatchUpNote() {
  const rows = useSyncStatusState((state) => (state.status?.online && state.status.catchUp ? state.status.catchUp.rowsStored : null));
  if (rows === null) return null;
  return (
    <Text size="sm" c="dimmed" role="status" mt="sm">
      {rows > 0
        ? `Still downloading your data from the server (${rows.toLocaleString('en-US')} rows so far): what belongs here appears as it arrives.`
        : 'Still downloading your data from the server: what belongs here appears as it arrives.'}
    </Text>
  );
}
