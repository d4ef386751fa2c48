import { Button, Center, Paper, Stack, Text, Title } from '@mantine/core';
import { IconPlugConnectedX } from '@tabler/icons-react';
import { BrandMark } from '../../../shared/ui/BrandMark.tsx';

export type StartupErrorScreenProps = {
  message: string;
  onRetry: () => void;
};

/** getSession() failed: in browser mode the host is down; in Electron the main process is in trouble. */
export function StartupErrorScreen({ message, onRetry }: StartupErrorScreenProps) {
  return (
    <Center component="main" mih="100dvh" p="md">
      <Stack w="100%" maw={460} gap="lg">
        <Center>
          <BrandMark size="lg" />
        </Center>
        <Paper withBorder radius="md" p="xl">
          <Stack gap="md" align="flex-start">
            <IconPlugConnectedX size={28} aria-hidden color="var(--mantine-color-red-6)" />
            <Title order={1} size="h3" fw={600}>
              ROI Desk could not start
            </Title>
            <Text size="sm" role="alert">
              {message}
            </Text>
            <Button onClick={onRetry}>Try again</Button>
          </Stack>
        </Paper>
      </Stack>
    </Center>
  );
}
