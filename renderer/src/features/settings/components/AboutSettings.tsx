import { Alert, Paper, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { useAppInfo } from '../../../shared/api/useAppInfo.ts';

export function AboutSettings() {
  const { appInfo, error } = useAppInfo();
  return (
    <Paper withBorder radius="md" p="lg">
      <Stack gap="sm">
        <Title order={2} size="h4" fw={600}>
          About this installation
        </Title>
        {error && (
          <Alert color="red" variant="light">
            {error}
          </Alert>
        )}
        {!appInfo && !error && <Skeleton h={120} />}
        {appInfo && (
          <Table variant="vertical" layout="fixed" withTableBorder={false} data-testid="about-table">
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={180}>Version</Table.Th>
                <Table.Td>{appInfo.version}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Sync server</Table.Th>
                <Table.Td style={{ wordBreak: 'break-all' }}>{appInfo.serverUrl}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Running as</Table.Th>
                <Table.Td>{appInfo.shell === 'electron' ? 'Desktop app' : 'Browser'} on {appInfo.platform}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Keychain</Table.Th>
                <Table.Td>
                  {appInfo.keychainAvailable ? (
                    'Available: you stay signed in across restarts'
                  ) : (
                    <Text span size="sm" c="orange">
                      Not available: you sign in again each time ROI Desk starts
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  );
}
