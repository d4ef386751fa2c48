import { Alert, Badge, Button, Group, Paper, SegmentedControl, Skeleton, Tabs, Text } from '@mantine/core';
import { IconChecklist, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { PageEmptyState } from '../../../shared/ui/PageEmptyState.tsx';
import { PageLayout } from '../../../shared/ui/PageLayout.tsx';
import { useSessionState } from '../../session/states/sessionState.ts';
import { useTasks } from '../hooks/useTasks.ts';
import { TaskFormModal } from './TaskFormModal.tsx';
import { TaskList } from './TaskList.tsx';

type View = 'open' | 'overdue' | 'today' | 'upcoming' | 'completed';
const EMPTY: Record<View, string> = {
  open: 'Nothing to do. Add a task, or create one from a contact’s page.',
  overdue: 'Nothing overdue. Well done.',
  today: 'Nothing due today.',
  upcoming: 'Nothing planned after today.',
  completed: 'No completed tasks yet.',
};

/** My tasks (managers: everyone's) by view, with the overdue count always in sight. */
export function TasksPage() {
  const role = useSessionState((state) => state.session?.user.role);
  const [view, setView] = useState<View>('open');
  const [assignee, setAssignee] = useState<'me' | 'all'>('me');
  const [creating, setCreating] = useState(false);
  const { data, error } = useTasks({ view, assignee });
  const actions = (
    <Group>
      {(role === 'manager' || role === 'admin') && (
        <SegmentedControl
          aria-label="Whose tasks"
          value={assignee}
          onChange={(value) => setAssignee(value as 'me' | 'all')}
          data={[
            { value: 'me', label: 'Mine' },
            { value: 'all', label: 'Everyone' },
          ]}
        />
      )}
      <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
        New task
      </Button>
    </Group>
  );
  return (
    <PageLayout title="Tasks" description="Follow-ups and reminders: ROI Desk notifies you when a reminder is due." actions={actions}>
      <Tabs value={view} onChange={(value) => setView((value as View) ?? 'open')}>
        <Tabs.List>
          <Tabs.Tab value="open">Open</Tabs.Tab>
          <Tabs.Tab value="overdue" rightSection={data && data.overdue > 0 ? <Badge size="xs" color="red">{data.overdue}</Badge> : null}>
            Overdue
          </Tabs.Tab>
          <Tabs.Tab value="today">Today</Tabs.Tab>
          <Tabs.Tab value="upcoming">Upcoming</Tabs.Tab>
          <Tabs.Tab value="completed">Completed</Tabs.Tab>
        </Tabs.List>
      </Tabs>
      {error && <Alert color="red">{error}</Alert>}
      {!data && !error && <Skeleton height={120} />}
      {data && data.items.length === 0 && (view === 'open' ? <PageEmptyState icon={<IconChecklist size={28} stroke={1.5} />} title="No tasks" description={EMPTY.open} /> : <Text c="dimmed">{EMPTY[view]}</Text>)}
      {data && data.items.length > 0 && (
        <Paper withBorder p="md">
          <TaskList tasks={data.items} />
        </Paper>
      )}
      <TaskFormModal opened={creating} onClose={() => setCreating(false)} />
    </PageLayout>
  );
}
