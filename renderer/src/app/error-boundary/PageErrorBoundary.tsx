import { Button, Code, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconBug } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { ErrorBoundary } from '../../shared/ui/ErrorBoundary.tsx';

export type PageErrorBoundaryProps = {
  pageLabel: string;
  children: ReactNode;
};

export type PageErrorFallbackProps = {
  pageLabel: string;
  error: Error;
  onReload: () => void;
};

export function PageErrorFallback({ pageLabel, error, onReload }: PageErrorFallbackProps) {
  return (
    <Paper withBorder radius="md" p="xl" maw={640} mx="auto" mt="xl" role="alert" data-testid="page-error">
      <Stack gap="sm" align="flex-start">
        <IconBug size={28} stroke={1.5} color="var(--mantine-color-red-6)" aria-hidden />
        <Title order={1} size="h3" fw={600}>
          {pageLabel} stopped working
        </Title>
        <Text size="sm">
          Something went wrong while showing this page. Your data is safe: nothing was lost. Reload the page; if it keeps
          happening, restart ROI Desk.
        </Text>
        <Code block w="100%" fz="xs">
          {error.message || error.name}
        </Code>
        <Group gap="sm">
          <Button onClick={onReload}>Reload</Button>
          <Button variant="default" onClick={() => window.location.reload()}>
            Restart window
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/** Contains a crash to the page: the navbar, header and sync status stay usable. */
export function PageErrorBoundary({ pageLabel, children }: PageErrorBoundaryProps) {
  return (
    <ErrorBoundary
      fallback={(error, reset) => <PageErrorFallback pageLabel={pageLabel} error={error} onReload={reset} />}
      onError={(error, info) => console.error(`The ${pageLabel} page crashed.`, error, info.componentStack)}
    >
      {children}
    </ErrorBoundary>
  );
}
