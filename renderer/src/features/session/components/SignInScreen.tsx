import { Center, Paper, Stack, Text, Title } from '@mantine/core';
import { useAppInfo } from '../../../shared/api/useAppInfo.ts';
import { BrandMark } from '../../../shared/ui/BrandMark.tsx';
import { useSessionState } from '../states/sessionState.ts';
import { SignedOutNoticeAlert } from './SignedOutNoticeAlert.tsx';
import { SignInForm } from './SignInForm.tsx';

export function SignInScreen() {
  const { appInfo } = useAppInfo();
  const notice = useSessionState((state) => state.notice);
  const dismissNotice = useSessionState((state) => state.dismissNotice);

  return (
    <Center component="main" mih="100dvh" p="md" bg="var(--mantine-color-body)">
      <Stack w="100%" maw={420} gap="lg">
        <Center>
          <BrandMark size="lg" />
        </Center>
        <Paper withBorder shadow="sm" radius="md" p="xl">
          <Stack gap="lg">
            <div>
              <Title order={1} size="h3" fw={600}>
                Sign in
              </Title>
              <Text size="sm" c="dimmed" mt={4}>
                Use the account your brokerage set up for you.
              </Text>
            </div>
            {notice && <SignedOutNoticeAlert notice={notice} onClose={dismissNotice} />}
            {/* Not keyed by the server: getAppInfo may answer after the user started typing, and a remount would wipe it. */}
            <SignInForm defaultServerUrl={appInfo?.serverUrl ?? null} />
          </Stack>
        </Paper>
        {appInfo && (
          <Stack gap={4} align="center">
            {!appInfo.keychainAvailable && (
              <Text size="xs" c="dimmed" ta="center">
                No system keychain is available, so you will need to sign in each time ROI Desk starts.
              </Text>
            )}
            <Text size="xs" c="dimmed">
              ROI Desk {appInfo.version}
            </Text>
          </Stack>
        )}
      </Stack>
    </Center>
  );
}
