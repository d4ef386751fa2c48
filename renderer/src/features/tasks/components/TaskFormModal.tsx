import { Alert, Button, Group, Modal, SegmentedControl, Select, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { useOwners } from '../../contacts/hooks/useOwners.ts';
import { fromLocalInput, toLocalInput } from '../../contacts/utils/format.ts';
import { useSessionState } from '../../session/states/sessionState.ts';
import type { TaskItem } from '../hooks/useTasks.ts';

export type TaskFormModalProps = { opened: boolean; onClose: () => void; contactId?: string | null; task?: TaskItem };

/** New task (optionally for a contact) or edit one: due date, reminder, priority; managers also pick the assignee. */
export function TaskFormModal({ opened, onClose, contactId = null, task }: TaskFormModalProps) {
  const api = useApi();
  const user = useSessionState((state) => state.session?.user);
  const owners = useOwners();
  const isManager = user?.role === 'manager' || user?.role === 'admin';
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [priority, setPriority] = useState<'low' | 'normal' | 'high'>('normal');
  const [due, setDue] = useState('');
  const [remind, setRemind] = useState('');
  const [assignee, setAssignee] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (!opened) return;
    setTitle(task?.title ?? '');
    setDescription(task?.description ?? '');
    setPriority(task?.priority ?? 'normal');
    setDue(toLocalInput(task?.dueAt ?? null));
    setRemind(toLocalInput(task?.remindAt ?? null));
    setAssignee(task?.assigneeId ?? user?.id ?? null);
    setError(null);
  }, [opened, task, user?.id]);

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const fields = { title, description, priority, dueAt: fromLocalInput(due), remindAt: fromLocalInput(remind) };
      if (task) await api.updateTask({ id: task.id, changes: { ...fields, ...(isManager ? { assigneeId: assignee } : {}) } });
      else await api.createTask({ ...fields, contactId, ...(isManager && assignee ? { assigneeId: assignee } : {}) });
      onClose();
    } catch (cause) {
      setError(errorMessage(cause));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title={task ? 'Edit task' : 'New task'}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <Stack>
          {error && (
            <Alert color="red" variant="light" role="alert">
              {error}
            </Alert>
          )}
          <TextInput label="Title" required value={title} onChange={(e) => setTitle(e.currentTarget.value)} data-autofocus />
          <Textarea label="Details" autosize minRows={2} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
          <SimpleGrid cols={2}>
            <TextInput label="Due" type="datetime-local" value={due} onChange={(e) => setDue(e.currentTarget.value)} />
            <TextInput label="Remind me at" type="datetime-local" value={remind} onChange={(e) => setRemind(e.currentTarget.value)} description="A notification when it comes" />
          </SimpleGrid>
          <SegmentedControl
            aria-label="Priority"
            value={priority}
            onChange={(value) => setPriority(value as typeof priority)}
            data={[
              { value: 'low', label: 'Low' },
              { value: 'normal', label: 'Normal' },
              { value: 'high', label: 'High' },
            ]}
          />
          {isManager && (
            <Select label="Assignee" data={owners.map((o) => ({ value: o.id, label: o.name }))} value={assignee} onChange={setAssignee} searchable />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={saving}>
              {task ? 'Save' : 'Add task'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
