import { ActionIcon, Alert, Badge, Button, Group, Table, Text, Tooltip } from '@mantine/core';
import { IconMail, IconPlus, IconTrash } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { PageEmptyState } from '../../../shared/ui/PageEmptyState.tsx';
import { PageLayout } from '../../../shared/ui/PageLayout.tsx';
import { useDataChanged } from '../../../shared/hooks/useDataChanged.ts';
import type { CampaignSummary } from '../types.ts';
import { CampaignEditor } from './CampaignEditor.tsx';
import { describeSchedule } from './SchedulePanel.tsx';

const STATUS_COLORS: Record<string, string> = { draft: 'gray', scheduled: 'blue', sending: 'cyan', sent: 'green', paused: 'orange' };

export function CampaignsPage() {
  const api = useApi();
  const [campaigns, setCampaigns] = useState<CampaignSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<{ id: string | null } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let current = true;
    api.listCampaigns().then(
      (next) => {
        if (!current) return;
        setCampaigns(next);
        setError(null);
      },
      (cause: unknown) => current && setError(errorMessage(cause)),
    );
    return () => {
      current = false;
    };
  }, [api, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  useDataChanged(['campaigns', 'campaign_sends'], reload, 500);

  const remove = async (id: string) => {
    try {
      await api.deleteCampaign({ id });
      setConfirmDelete(null);
      reload();
    } catch (cause) {
      setError(errorMessage(cause));
    }
  };

  if (open) {
    return (
      <PageLayout title={open.id ? 'Campaign' : 'New campaign'} description="Who gets it, what it says, when it goes out, and how it did.">
        <CampaignEditor
          key={open.id ?? 'new'}
          id={open.id}
          onBack={() => {
            setOpen(null);
            reload();
          }}
          onCreated={(id) => setOpen({ id })}
        />
      </PageLayout>
    );
  }

  return (
    <PageLayout
      title="Campaigns"
      description="Email campaigns to your contacts, sent from your own account."
      actions={
        <Button leftSection={<IconPlus size={16} />} onClick={() => setOpen({ id: null })}>
          New campaign
        </Button>
      }
    >
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      {campaigns && campaigns.length === 0 && (
        <PageEmptyState
          icon={<IconMail size={28} stroke={1.5} />}
          title="No campaigns yet"
          description="Your campaigns appear here with their audience, schedule and results: sent, opened, clicked and unsubscribed."
        >
          <Button mt="md" onClick={() => setOpen({ id: null })}>
            Write your first campaign
          </Button>
        </PageEmptyState>
      )}
      {campaigns && campaigns.length > 0 && (
        <Table highlightOnHover data-testid="campaign-list">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Campaign</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Schedule</Table.Th>
              <Table.Th>Last run</Table.Th>
              <Table.Th aria-label="Actions" />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {campaigns.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>
                  <Button variant="subtle" px={0} onClick={() => setOpen({ id: c.id })}>
                    {c.name}
                  </Button>
                  <Text size="xs" c="dimmed" lineClamp={1}>
                    {c.subject}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge color={STATUS_COLORS[c.status] ?? 'gray'} variant="light">
                    {c.status}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{describeSchedule(c.schedule)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{c.lastRun ? `${c.lastRun.sent} sent${c.lastRun.failed ? `, ${c.lastRun.failed} failed` : ''}` : '—'}</Text>
                </Table.Td>
                <Table.Td>
                  {confirmDelete === c.id ? (
                    <Group gap="xs" wrap="nowrap">
                      <Button size="xs" color="red" onClick={() => void remove(c.id)}>
                        Delete
                      </Button>
                      <Button size="xs" variant="subtle" onClick={() => setConfirmDelete(null)}>
                        Keep
                      </Button>
                    </Group>
                  ) : (
                    <Tooltip label="Delete campaign">
                      <ActionIcon variant="subtle" color="red" aria-label={`Delete ${c.name}`} disabled={c.status === 'sending'} onClick={() => setConfirmDelete(c.id)}>
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Tooltip>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </PageLayout>
  );
}
