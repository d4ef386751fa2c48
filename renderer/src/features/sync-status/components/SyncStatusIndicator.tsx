import { Box, Group, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useNow } from '../../../shared/hooks/useNow.ts';
import { useSyncStatusState } from '../states/syncStatusState.ts';
import { describeSyncStatus, type SyncTone } from '../utils/describeSyncStatus.ts';
import { RejectedChangesModal } from './RejectedChangesModal.tsx';

const TONE_COLORS: Record<SyncTone, string> = {
  synced: 'var(--mantine-color-teal-6)',
  syncing: 'var(--mantine-color-blue-4)',
  pending: 'var(--mantine-color-blue-6)',
  offline: 'var(--mantine-color-gray-5)',
  error: 'var(--mantine-color-red-6)',
  unknown: 'var(--mantine-color-gray-4)',
};

/**
 * Header badge: a coloured dot, a short label and the last sync time; the tooltip has every detail, and
 * a click lists the changes the server refused (with its reasons).
 */
export function SyncStatusIndicator() {
  const status = useSyncStatusState((state) => state.status);
  const loadError = useSyncStatusState((state) => state.loadError);
  const now = useNow();
  const description = describeSyncStatus(status, loadError, now);
  const [refusedOpen, refused] = useDisclosure(false);

  return (
    <>
    <RejectedChangesModal opened={refusedOpen} onClose={refused.close} />
    <Tooltip
      multiline
      w={280}
      withArrow
      events={{ hover: true, focus: true, touch: true }}
      label={
        <Stack gap={2}>
          {description.details.map((line) => (
            <Text key={line} size="xs" inherit>
              {line}
            </Text>
          ))}
        </Stack>
      }
    >
      <UnstyledButton
        data-testid="sync-status"
        data-sync-tone={description.tone}
        aria-label={`Sync status: ${description.details.join('. ')}`}
        aria-haspopup="dialog"
        onClick={refused.open}
        px="xs"
        py={4}
        style={{ borderRadius: 'var(--mantine-radius-md)' }}
      >
        <Group gap={8} wrap="nowrap">
          <Box
            aria-hidden
            w={8}
            h={8}
            style={{ borderRadius: '50%', background: TONE_COLORS[description.tone], flexShrink: 0 }}
          />
          <Text size="sm" fw={500} c={description.tone === 'error' ? 'var(--mantine-color-red-text)' : undefined} lh={1.2} style={{ whiteSpace: 'nowrap' }}>
            {description.label}
          </Text>
          {description.lastSync && (
            <Text size="xs" c="dimmed" visibleFrom="md" style={{ whiteSpace: 'nowrap' }}>
              {description.lastSync}
            </Text>
          )}
        </Group>
      </UnstyledButton>
    </Tooltip>
    </>
  );
}
