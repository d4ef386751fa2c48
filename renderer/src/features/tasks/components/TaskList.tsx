import { ActionIcon, Anchor, Badge, Checkbox, Group, Stack, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBell, IconPencil, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { routeHref } from '../../../app/navigation/route.ts';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { formatDateTime } from '../../contacts/utils/format.ts';
import type { TaskItem } from '../hooks/useTasks.ts';
import { TaskFormModal } from './TaskFormModal.tsx';

const PRIORITY_COLORS = { high: 'red', normal: 'blue', low: 'gray' } as const;

/** Tasks with a checkbox to complete, edit and delete (with undo). */
export function TaskList({ tasks, showContact = true }: { tasks: readonly TaskItem[]; showContact?: boolean }) {
  const api = useApi();
  const [editing, setEditing] = useState<TaskItem | null>(null);
  const fail = (cause: unknown) => notifications.show({ color: 'red', message: errorMessage(cause) });
  const toggle = (task: TaskItem) => void api.updateTask({ id: task.id, changes: { completed: task.completedAt === null } }).catch(fail);
  const remove = (task: TaskItem) =>
    void api.deleteTask({ id: task.id }).then(
      () => notifications.show({ message: `Deleted “${task.title}”.` }),
      fail,
    );
  return (
    <Stack gap={6}>
      {tasks.map((task) => (
        <Group key={task.id} justify="space-between" wrap="nowrap" data-testid="task-row">
          <Group gap="sm" wrap="nowrap" miw={0}>
            <Checkbox aria-label={`Done: ${task.title}`} checked={task.completedAt !== null} onChange={() => toggle(task)} />
            <Stack gap={0} miw={0}>
              <Text size="sm" fw={500} td={task.completedAt ? 'line-through' : undefined} truncate>
                {task.title}
              </Text>
              <Group gap={6}>
                {task.dueAt && (
                  <Text size="xs" c={task.overdue ? 'red' : 'dimmed'}>
                    {task.overdue ? 'Overdue · ' : 'Due '}
                    {formatDateTime(task.dueAt)}
                  </Text>
                )}
                {task.remindAt && !task.completedAt && (
                  <Tooltip label={`Reminder ${formatDateTime(task.remindAt)}`}>
                    <IconBell size={12} aria-label={`Reminder ${formatDateTime(task.remindAt)}`} />
                  </Tooltip>
                )}
                {showContact && task.contactId && (
                  <Anchor size="xs" href={routeHref('contacts', task.contactId)}>
                    {task.contactName}
                  </Anchor>
                )}
                {task.assigneeName && <Text size="xs" c="dimmed">· {task.assigneeName}</Text>}
              </Group>
            </Stack>
          </Group>
          <Group gap={4} wrap="nowrap">
            <Badge size="xs" variant="light" color={PRIORITY_COLORS[task.priority]}>
              {task.priority}
            </Badge>
            <ActionIcon variant="subtle" aria-label={`Edit ${task.title}`} onClick={() => setEditing(task)}>
              <IconPencil size={14} />
            </ActionIcon>
            <ActionIcon variant="subtle" color="red" aria-label={`Delete ${task.title}`} onClick={() => remove(task)}>
              <IconTrash size={14} />
            </ActionIcon>
          </Group>
        </Group>
      ))}
      <TaskFormModal opened={editing !== null} onClose={() => setEditing(null)} {...(editing ? { task: editing } : {})} />
    </Stack>
  );
}
