// Small shared pieces of the console's pages.
import { Alert, Button, Center, Code, CopyButton, Group, Loader, Modal, Select, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type ReactNode } from 'react';
import { api } from '../api.ts';
import type { Brokerage } from '../types.ts';
import { useResource } from './useResource.ts';

export const formatDateTime = (value: string | null | undefined) => (value ? new Date(value).toLocaleString() : '—');

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

export function PageHeader({ title, description, actions }: { title: string; description?: string; actions?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-end" mb="md" wrap="wrap">
      <div>
        <Title order={1} size="h2">
          {title}
        </Title>
        {description && (
          <Text c="dimmed" size="sm">
            {description}
          </Text>
        )}
      </div>
      {actions && <Group gap="sm">{actions}</Group>}
    </Group>
  );
}

export function ErrorNotice({ error, onRetry }: { error: Error | null; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <Alert color="red" title="Something went wrong" role="alert" mb="md">
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{error.message}</Text>
        {onRetry && (
          <Button size="xs" variant="light" color="red" onClick={onRetry}>
            Try again
          </Button>
        )}
      </Stack>
    </Alert>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return (
    <Text c="dimmed" ta="center" py="xl">
      {children}
    </Text>
  );
}

export function notifyError(error: unknown): void {
  notifications.show({ color: 'red', title: 'Not done', message: error instanceof Error ? error.message : String(error) });
}

export function notifyDone(message: string): void {
  notifications.show({ color: 'green', message });
}

/** Asks before a destructive action; the action runs only after "confirm". */
export function ConfirmButton(props: { label: string; title: string; message: ReactNode; confirmLabel: string; onConfirm: () => Promise<void>; color?: string; size?: string; variant?: string; ariaLabel?: string }) {
  const [opened, setOpened] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <Button size={props.size ?? 'xs'} variant={props.variant ?? 'light'} color={props.color ?? 'red'} onClick={() => setOpened(true)} aria-label={props.ariaLabel}>
        {props.label}
      </Button>
      <Modal closeButtonProps={{ 'aria-label': 'Close' }} opened={opened} onClose={() => setOpened(false)} title={props.title} centered>
        <Stack>
          <Text size="sm">{props.message}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpened(false)}>
              Cancel
            </Button>
            <Button
              color={props.color ?? 'red'}
              loading={busy}
              onClick={async () => {
                setBusy(true);
                try {
                  await props.onConfirm();
                  setOpened(false);
                } catch (error) {
                  notifyError(error);
                } finally {
                  setBusy(false);
                }
              }}
            >
              {props.confirmLabel}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** A secret or link shown exactly once, with a copy button. */
export function OneTimeSecret({ title, value, explanation, onClose }: { title: string; value: string | null; explanation: string; onClose: () => void }) {
  return (
    <Modal closeButtonProps={{ 'aria-label': 'Close' }} opened={value !== null} onClose={onClose} title={title} centered size="lg">
      <Stack>
        <Text size="sm">{explanation}</Text>
        <Code block data-testid="one-time-secret" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
          {value}
        </Code>
        <Group justify="flex-end">
          <CopyButton value={value ?? ''}>{({ copied, copy }) => <Button onClick={copy}>{copied ? 'Copied' : 'Copy'}</Button>}</CopyButton>
          <Button variant="default" onClick={onClose}>
            Done
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The brokerage picker admins see; managers are always in their own brokerage and get no picker. */
export function BrokerageSelect(props: { value: string | null; onChange: (value: string | null) => void; label?: string; allowAll?: boolean; required?: boolean; admin: boolean }) {
  const brokerages = useResource((signal) => api<{ brokerages: Brokerage[] }>('GET', '/brokerages', { signal }), 'brokerages');
  if (!props.admin) return null;
  const options = (brokerages.data?.brokerages ?? []).map((b) => ({ value: b.id, label: b.deactivatedAt ? `${b.name} (deactivated)` : b.name }));
  return (
    <Select
      label={props.label ?? 'Brokerage'}
      placeholder={props.allowAll ? 'All brokerages' : 'Choose a brokerage'}
      data={options}
      value={props.value}
      onChange={props.onChange}
      clearable={props.allowAll ?? false}
      required={props.required ?? false}
      searchable
      w={240}
    />
  );
}

/** Shown while a list loads for the first time (later reloads keep the old rows on screen). */
export function Loading({ what, show }: { what: string; show: boolean }) {
  if (!show) return null;
  return (
    <Center py="md">
      <Loader size="sm" aria-label={`Loading ${what}`} />
    </Center>
  );
}
