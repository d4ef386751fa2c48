// Every device with its user, app version, last seen, last pushed mutation and what this server saw of
// its sync (tables last up to date, recent errors); revoking signs the app out at its next request.
import { Badge, Group, Paper, SegmentedControl, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useEffect, useState } from 'react';
import { api, query } from '../api.ts';
import { BrokerageSelect, ConfirmButton, EmptyState, ErrorNotice, Loading, formatDateTime, notifyDone, PageHeader } from '../components/ui.tsx';
import { useResource } from '../components/useResource.ts';
import type { DeviceRow, SessionInfo } from '../types.ts';

function ago(value: string | null): string {
  if (!value) return 'never';
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(value)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

export function DevicesPage({ session }: { session: SessionInfo }) {
  const admin = session.user.role === 'admin';
  const [brokerageId, setBrokerageId] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('active');
  const devices = useResource((signal) => api<{ devices: DeviceRow[] }>('GET', `/devices${query({ brokerageId, q: search, status })}`, { signal, background: true }), `${brokerageId}|${search}|${status}`);
  const { reload } = devices;

  // New sign-ins appear without a reload.
  useEffect(() => {
    const timer = setInterval(reload, 5_000);
    return () => clearInterval(timer);
  }, [reload]);

  return (
    <>
      <PageHeader title="Devices" description="Computers signed in to ROI Desk. Sync details are what this server instance has seen since it started." />
      <Paper withBorder p="md">
        <Group mb="md" align="flex-end" wrap="wrap">
          <BrokerageSelect admin={admin} allowAll value={brokerageId} onChange={setBrokerageId} />
          <TextInput label="Search" placeholder="User or device name" value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={240} />
          <div>
            <Text size="sm" fw={500} mb={4} id="device-status-label">
              Status
            </Text>
            <SegmentedControl
              aria-labelledby="device-status-label"
              value={status}
              onChange={setStatus}
              data={[
                { value: 'active', label: 'Signed in' },
                { value: 'revoked', label: 'Revoked' },
                { value: 'all', label: 'All' },
              ]}
            />
          </div>
        </Group>
        <ErrorNotice error={devices.error} onRetry={reload} />
        <Loading what="devices" show={devices.loading && !devices.data} />
        {devices.data && devices.data.devices.length === 0 ? (
          <EmptyState>No devices yet. A device appears here when someone signs in to the app.</EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={1000}>
            <Table striped aria-label="Devices">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>User</Table.Th>
                  <Table.Th>Device</Table.Th>
                  <Table.Th>App version</Table.Th>
                  <Table.Th>Last seen</Table.Th>
                  <Table.Th>Last pushed mutation</Table.Th>
                  <Table.Th>Tables up to date</Table.Th>
                  <Table.Th>Recent errors</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(devices.data?.devices ?? []).map((device) => {
                  const tables = Object.entries(device.activity?.tables ?? {}).sort();
                  const newest = tables.reduce<string | null>((max, [, at]) => (max && max > at ? max : at), null);
                  const oldest = tables.reduce<string | null>((min, [, at]) => (min && min < at ? min : at), null);
                  return (
                    <Table.Tr key={device.id} data-testid="device-row">
                      <Table.Td>
                        <Text size="sm">{device.userName}</Text>
                        <Text size="xs" c="dimmed">
                          {device.userEmail}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{device.name}</Text>
                        <Text size="xs" c="dimmed">
                          {device.platform || '—'}
                        </Text>
                      </Table.Td>
                      <Table.Td>{device.appVersion || '—'}</Table.Td>
                      <Table.Td title={formatDateTime(device.lastSeenAt)}>{ago(device.lastSeenAt)}</Table.Td>
                      <Table.Td>{device.lastMutationId > 0 ? `#${device.lastMutationId}, ${ago(device.lastMutationAt)}` : 'none yet'}</Table.Td>
                      <Table.Td>
                        {tables.length === 0 ? (
                          <Text size="sm" c="dimmed">
                            not seen here
                          </Text>
                        ) : (
                          <Tooltip multiline w={320} label={tables.map(([table, at]) => `${table}: ${ago(at)}`).join(' · ')}>
                            <Text size="sm" tabIndex={0}>
                              {tables.length} tables, oldest {ago(oldest)}
                              {newest !== oldest ? '' : ''}
                            </Text>
                          </Tooltip>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {(device.activity?.errors.length ?? 0) === 0 ? (
                          '—'
                        ) : (
                          <Text size="sm" c="red">
                            {device.activity!.errors.map((e) => `${e.status} ${e.route}`).join(', ')}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {device.revokedAt ? (
                          <Badge color="gray">Revoked {ago(device.revokedAt)}</Badge>
                        ) : (
                          <ConfirmButton
                            label="Revoke"
                            ariaLabel={`Revoke ${device.name} of ${device.userEmail}`}
                            title={`Revoke ${device.name}?`}
                            message={`${device.userName} is signed out of this computer at the app's next request; changes not yet synced stay on the computer and sync after signing in again.`}
                            confirmLabel="Revoke device"
                            onConfirm={async () => {
                              await api('POST', `/devices/${device.id}/revoke`);
                              notifyDone(`${device.name} revoked.`);
                              reload();
                            }}
                          />
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
    </>
  );
}
