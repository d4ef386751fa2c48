import { Badge, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import type { MaintenanceItem } from '../../../shared/api/ipcContract.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { formatDate } from '../utils/formatValue.ts';

export type MaintenanceScheduleProps = { propertyId: string; items: readonly MaintenanceItem[] };

const PRIORITY_COLORS = { high: 'red', normal: 'blue', low: 'gray' } as const;
const SEASON_LABELS = { spring: 'Spring', summer: 'Summer', autumn: 'Autumn', winter: 'Winter', any: 'Year-round' } as const;

/** Upkeep by season and by the home's age; a reminder becomes a task in the agent's task list. */
export function MaintenanceSchedule({ propertyId, items }: MaintenanceScheduleProps) {
  const api = useApi();
  const [created, setCreated] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});

  const remind = async (item: MaintenanceItem) => {
    setBusy(item.id);
    try {
      const { taskId } = await api.createMaintenanceTask({ propertyId, itemId: item.id });
      setCreated((current) => ({ ...current, [item.id]: taskId }));
    } catch (cause) {
      setErrors((current) => ({ ...current, [item.id]: errorMessage(cause) }));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Paper withBorder p="lg">
      <Text fw={600}>Home maintenance</Text>
      <Text size="xs" c="dimmed" mb="sm">
        {items.length} items by season and the home’s age — a reason to call the owner. “Remind me” adds a task a week before it is due.
      </Text>
      <Stack gap={0} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
        {items.map((item) => {
          const taskId = item.taskId ?? created[item.id];
          return (
            <Group key={item.id} component="li" justify="space-between" wrap="nowrap" py="xs" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
              <div style={{ minWidth: 0 }}>
                <Group gap={6}>
                  <Text size="sm" fw={500}>
                    {item.title}
                  </Text>
                  <Badge size="xs" variant="light" color={PRIORITY_COLORS[item.priority]}>
                    {item.priority}
                  </Badge>
                </Group>
                <Text size="xs" c="dimmed">
                  {formatDate(item.dueDate)} · {SEASON_LABELS[item.season]} · {item.frequency} · {item.why}
                </Text>
                {errors[item.id] && (
                  <Text size="xs" c="red">
                    {errors[item.id]}
                  </Text>
                )}
              </div>
              {taskId ? (
                <Badge color="teal" variant="light" leftSection={<IconCheck size={12} />}>
                  Task added
                </Badge>
              ) : (
                <Button size="xs" variant="default" loading={busy === item.id} onClick={() => void remind(item)} aria-label={`Remind me: ${item.title}`}>
                  Remind me
                </Button>
              )}
            </Group>
          );
        })}
      </Stack>
    </Paper>
  );
}
