import { Button, Center, Code, Paper, Stack, Text, Title } from '@mantine/core';

export type AppCrashScreenProps = {
  error: Error;
};

/** Last resort above everything (outside the app frame): only a full reload is left to offer. */
export function AppCrashScreen({ error }: AppCrashScreenProps) {
  return (
    <Center component="main" mih="100dvh" p="md">
      <Paper withBorder radius="md" p="xl" maw={560} w="100%" role="alert">
        <Stack gap="sm" align="flex-start">
          <Title order={1} size="h3" fw={600}>
            ROI Desk ran into a problem
          </Title>
          <Text size="sm">
            The window stopped working. Your data is stored on this computer and was not lost. Reload the window to carry on;
            if it keeps happening, restart ROI Desk.
          </Text>
          <Code block w="100%" fz="xs">
            {error.message || error.name}
          </Code>
          <Button onClick={() => window.location.reload()}>Reload</Button>
        </Stack>
      </Paper>
    </Center>
  );
}
