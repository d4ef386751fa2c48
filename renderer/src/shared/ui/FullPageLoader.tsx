import { Center, Loader, Stack, Text } from '@mantine/core';

export type FullPageLoaderProps = {
  label: string;
};

export function FullPageLoader({ label }: FullPageLoaderProps) {
  return (
    <Center h="100dvh" role="status" aria-live="polite">
      <Stack align="center" gap="sm">
        <Loader size="md" aria-hidden />
        <Text c="dimmed" size="sm">
          {label}
        </Text>
      </Stack>
    </Center>
  );
}
