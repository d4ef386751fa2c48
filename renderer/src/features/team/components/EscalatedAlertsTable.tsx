import { Badge, Button, Paper, ScrollArea, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useNow } from '../../../shared/hooks/useNow.ts';
import { formatRelativeTime } from '../../../shared/utils/formatRelativeTime.ts';
import { TYPE_LABELS, type TeamOverview } from '../utils/teamFormat.ts';
import type { ReassignTarget } from './ReassignAlertsModal.tsx';

export type EscalatedAlertsTableProps = {
  overview: TeamOverview;
  onReassign: (target: ReassignTarget) => void;
};

/** CRITICAL alerts nobody opened within the routing's escalation time: the server flags them for managers. */
export function EscalatedAlertsTable({ overview, onReassign }: EscalatedAlertsTableProps) {
  const now = useNow();
  if (overview.escalated.length === 0) return null;
  return (
    <Paper withBorder p="lg" style={{ borderColor: 'var(--mantine-color-red-5)' }}>
      <Title order={2} size="h5">
        Escalated: unclaimed CRITICAL alerts
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        Still new after the escalation time. The assignee keeps them until you hand them to someone else.
      </Text>
      <ScrollArea type="auto">
        <Table striped miw={640} aria-label="Escalated alerts">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Contact</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>Assigned to</Table.Th>
              <Table.Th>Escalated</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {overview.escalated.map((alert) => (
              <Table.Tr key={alert.id}>
                <Table.Td>{alert.contactName || 'Unnamed contact'}</Table.Td>
                <Table.Td>
                  <Badge color="red" variant="light">
                    {alert.priority}
                  </Badge>{' '}
                  {TYPE_LABELS[alert.type]}
                </Table.Td>
                <Table.Td>{alert.assignedName ?? <Text span c="dimmed" size="sm">nobody</Text>}</Table.Td>
                <Table.Td>
                  <time dateTime={alert.escalatedAt}>{formatRelativeTime(alert.escalatedAt, now) ?? alert.escalatedAt}</time>
                </Table.Td>
                <Table.Td ta="right">
                  <Button
                    size="compact-sm"
                    variant="light"
                    color="red"
                    aria-label={`Reassign the ${TYPE_LABELS[alert.type].toLowerCase()} alert of ${alert.contactName || 'an unnamed contact'}`}
                    onClick={() =>
                      onReassign({ fromAgentId: alert.assignedAgentId, fromName: alert.assignedName ?? 'nobody', count: 1, alertIds: [alert.id] })
                    }
                  >
                    Reassign…
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
    </Paper>
  );
}
