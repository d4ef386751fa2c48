import { Alert, Anchor, Badge, Button, Card, Grid, Group, Menu, Select, Skeleton, Stack, TagsInput, Text, Textarea, Timeline, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconDots, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { navigateTo, routeHref } from '../../../app/navigation/route.ts';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { useSessionState } from '../../session/states/sessionState.ts';
import { TaskFormModal } from '../../tasks/components/TaskFormModal.tsx';
import { TaskList } from '../../tasks/components/TaskList.tsx';
import { useContactDetail, type ContactDetail } from '../hooks/useContactDetail.ts';
import { useOwners } from '../hooks/useOwners.ts';
import { ACTIVITY_LABELS, formatDate, formatDateTime, formatScore, STAGE_COLORS, STAGE_OPTIONS } from '../utils/format.ts';
import { ContactFormModal } from './ContactFormModal.tsx';
import { DuplicatesModal } from './DuplicatesModal.tsx';
import { LogActivityButtons } from './LogActivityButtons.tsx';
import { MarkdownText } from './MarkdownText.tsx';

const TIMELINE_LABELS: Record<string, string> = { activity: 'Activity', event: 'Online', note: 'Note', outcome: 'Outcome', campaign: 'Campaign' };

function NoteComposer({ contactId }: { contactId: string }) {
  const api = useApi();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      await api.addNote({ contactId, body });
      setBody('');
    } catch (cause) {
      setError(errorMessage(cause));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Stack gap={6}>
      <Textarea
        aria-label="New note"
        placeholder="Write a note (Markdown: **bold**, lists, links). Ctrl+Enter saves."
        autosize
        minRows={2}
        value={body}
        error={error}
        onChange={(event) => setBody(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && body.trim()) void save();
        }}
      />
      <Group justify="flex-end">
        <Button size="xs" onClick={() => void save()} loading={saving} disabled={!body.trim()}>
          Add note
        </Button>
      </Group>
    </Stack>
  );
}

function Header({ detail, isManager }: { detail: ContactDetail; isManager: boolean }) {
  const api = useApi();
  const owners = useOwners();
  const { contact } = detail;
  const [editing, setEditing] = useState(false);
  const [merging, setMerging] = useState(false);
  const fail = (cause: unknown) => notifications.show({ color: 'red', title: 'Not saved', message: errorMessage(cause) });
  const remove = async () => {
    try {
      await api.deleteContact({ id: contact.id });
      navigateTo('contacts');
      const toast = notifications.show({
        autoClose: 10_000,
        message: (
          <Group justify="space-between" wrap="nowrap">
            <Text size="sm">Deleted {contact.name}.</Text>
            <Button
              size="compact-xs"
              variant="light"
              onClick={() => {
                notifications.hide(toast);
                void api.restoreContact({ id: contact.id }).then(() => navigateTo('contacts', contact.id), fail);
              }}
            >
              Undo
            </Button>
          </Group>
        ),
      });
    } catch (cause) {
      fail(cause);
    }
  };
  return (
    <Stack gap="sm">
      <Anchor href={routeHref('contacts')} size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} /> All contacts
        </Group>
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Title order={1} size="h2">
            {contact.name}
          </Title>
          <Text c="dimmed" size="sm">
            {[contact.email, contact.phone, contact.zipcode].filter(Boolean).join(' · ') || 'No contact details yet'}
            {contact.pendingChanges > 0 && ' · changes waiting to sync'}
          </Text>
        </Stack>
        <Group gap="xs">
          <Button variant="default" leftSection={<IconPencil size={16} />} onClick={() => setEditing(true)}>
            Edit
          </Button>
          <Menu position="bottom-end">
            <Menu.Target>
              <Button variant="default" aria-label="More actions" px="xs">
                <IconDots size={16} />
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item onClick={() => setMerging(true)}>Find duplicates to merge…</Menu.Item>
              <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => void remove()}>
                Delete contact
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </Group>
      <Group gap="md" align="flex-end">
        <Select
          label="Stage"
          data={STAGE_OPTIONS}
          value={contact.stage}
          allowDeselect={false}
          w={150}
          onChange={(stage) => stage && stage !== contact.stage && void api.updateContact({ id: contact.id, changes: { stage: stage as never } }).catch(fail)}
        />
        <TagsInput label="Tags" value={contact.tags} w={320} onChange={(tags) => void api.updateContact({ id: contact.id, changes: { tags } }).catch(fail)} />
        {isManager ? (
          <Select
            label="Owner"
            placeholder="Unassigned"
            data={owners.map((o) => ({ value: o.id, label: o.name }))}
            value={contact.ownerId}
            clearable
            searchable
            w={200}
            onChange={(agentId) => void api.assignContacts({ ids: [contact.id], agentId }).catch(fail)}
          />
        ) : (
          <Stack gap={2}>
            <Text size="sm" fw={500}>
              Owner
            </Text>
            <Text size="sm">{contact.ownerName ?? 'Unassigned'}</Text>
          </Stack>
        )}
        <Stack gap={2}>
          <Text size="sm" fw={500}>
            Score
          </Text>
          <Badge variant="light" color={contact.score !== null && contact.score >= 0.8 ? 'red' : 'gray'} title="Best open alert probability">
            {formatScore(contact.score)}
          </Badge>
        </Stack>
      </Group>
      <Group gap="xs">
        <Text size="sm" fw={500}>
          Log:
        </Text>
        <LogActivityButtons contactId={contact.id} />
      </Group>
      <ContactFormModal opened={editing} onClose={() => setEditing(false)} onSaved={() => setEditing(false)} contact={contact} />
      <DuplicatesModal opened={merging} onClose={() => setMerging(false)} canAssign={isManager} />
    </Stack>
  );
}

/** One contact: details, homes, alerts, notes, tasks, campaigns and everything that happened, in one timeline. */
export function ContactDetailPage({ id }: { id: string }) {
  const role = useSessionState((state) => state.session?.user.role);
  const isManager = role === 'manager' || role === 'admin';
  const { detail, error } = useContactDetail(id);
  const [addingTask, setAddingTask] = useState(false);
  if (error && !detail) {
    return (
      <Alert color={error.code === 'not_found' ? 'yellow' : 'red'} title={error.code === 'not_found' ? 'Contact not found' : 'Could not load the contact'}>
        <Stack gap="xs">
          <Text size="sm">{error.message}</Text>
          <Anchor href={routeHref('contacts')}>Back to contacts</Anchor>
        </Stack>
      </Alert>
    );
  }
  if (!detail) return <Skeleton height={400} aria-label="Loading contact" />;
  const stageColor = STAGE_COLORS[detail.contact.stage] ?? 'gray';
  return (
    <Stack maw={1200} mx="auto" w="100%" gap="lg">
      <Header detail={detail} isManager={isManager} />
      <Grid>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack>
            <Card withBorder>
              <Title order={2} size="h4" mb="xs">
                Notes
              </Title>
              <NoteComposer contactId={id} />
              <Stack gap="sm" mt="sm">
                {detail.notes.length === 0 && <Text size="sm" c="dimmed">No notes yet.</Text>}
                {detail.notes.map((note) => (
                  <Card key={note.id} withBorder p="sm" data-testid="note">
                    <MarkdownText text={note.body} />
                    <Text size="xs" c="dimmed" mt={4}>
                      {note.authorName ?? 'Someone'} · {formatDateTime(note.createdAt)}
                    </Text>
                  </Card>
                ))}
              </Stack>
            </Card>
            <Card withBorder>
              <Title order={2} size="h4" mb="sm">
                Timeline
              </Title>
              {detail.timeline.length === 0 ? (
                <Text size="sm" c="dimmed">Nothing has happened yet.</Text>
              ) : (
                <Timeline bulletSize={14} lineWidth={2}>
                  {detail.timeline.slice(0, 100).map((entry) => (
                    <Timeline.Item
                      key={`${entry.kind}:${entry.id}`}
                      title={
                        <Group gap={6}>
                          <Badge size="xs" variant="light">
                            {TIMELINE_LABELS[entry.kind]}
                          </Badge>
                          <Text size="sm" fw={500}>
                            {entry.kind === 'activity' ? (ACTIVITY_LABELS[entry.type] ?? entry.type) : entry.type.replaceAll('_', ' ')}
                          </Text>
                        </Group>
                      }
                    >
                      {entry.text && (entry.kind === 'note' ? <MarkdownText text={entry.text} /> : <Text size="sm">{entry.text}</Text>)}
                      <Text size="xs" c="dimmed">
                        {formatDateTime(entry.at)}
                        {entry.by ? ` · ${entry.by}` : ''}
                      </Text>
                    </Timeline.Item>
                  ))}
                </Timeline>
              )}
            </Card>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack>
            <Card withBorder>
              <Group justify="space-between" mb="xs">
                <Title order={2} size="h4">
                  Tasks
                </Title>
                <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => setAddingTask(true)}>
                  Add task
                </Button>
              </Group>
              {detail.tasks.length === 0 ? <Text size="sm" c="dimmed">No tasks.</Text> : <TaskList tasks={detail.tasks} showContact={false} />}
            </Card>
            <Card withBorder>
              <Title order={2} size="h4" mb="xs">
                Details
              </Title>
              <Stack gap={4}>
                <Text size="sm">
                  Stage: <Badge color={stageColor} variant="light">{STAGE_OPTIONS.find((s) => s.value === detail.contact.stage)?.label ?? detail.contact.stage}</Badge>
                </Text>
                <Text size="sm">Source: {detail.contact.source ?? '—'}</Text>
                <Text size="sm">Added: {formatDate(detail.contact.createdAt)}</Text>
              </Stack>
            </Card>
            <Card withBorder>
              <Title order={2} size="h4" mb="xs">
                Properties
              </Title>
              {detail.properties.length === 0 && <Text size="sm" c="dimmed">No property on record.</Text>}
              {detail.properties.map((property) => (
                <Group key={property.id} justify="space-between">
                  <Anchor href={routeHref('properties', property.id)} size="sm">
                    {property.address || 'Address unknown'}
                  </Anchor>
                  <Text size="sm">{property.estimate !== null ? `$${Math.round(property.estimate).toLocaleString()}` : '—'}</Text>
                </Group>
              ))}
            </Card>
            <Card withBorder>
              <Title order={2} size="h4" mb="xs">
                Alerts
              </Title>
              {detail.alerts.length === 0 && <Text size="sm" c="dimmed">No alerts.</Text>}
              {detail.alerts.map((alert) => (
                <Group key={alert.id} justify="space-between">
                  <Anchor href={routeHref('inbox', alert.id)} size="sm">
                    Likely to {alert.type} · {Math.round(alert.probability * 100)}%
                  </Anchor>
                  <Group gap={4}>
                    <Badge size="xs" variant="light">
                      {alert.priority}
                    </Badge>
                    <Badge size="xs" variant="outline">
                      {alert.status}
                    </Badge>
                  </Group>
                </Group>
              ))}
            </Card>
            <Card withBorder>
              <Title order={2} size="h4" mb="xs">
                Campaigns
              </Title>
              {detail.campaigns.length === 0 && <Text size="sm" c="dimmed">No campaign sent to this contact.</Text>}
              {detail.campaigns.map((send) => (
                <Group key={send.id} justify="space-between">
                  <Text size="sm">{send.campaignName}</Text>
                  <Text size="xs" c="dimmed">
                    {send.status} · {formatDate(send.sentAt)}
                  </Text>
                </Group>
              ))}
            </Card>
          </Stack>
        </Grid.Col>
      </Grid>
      <TaskFormModal opened={addingTask} onClose={() => setAddingTask(false)} contactId={id} />
    </Stack>
  );
}
