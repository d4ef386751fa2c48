import { Badge, Button, Paper, ScrollArea, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import type { TeamOverview } from '../utils/teamFormat.ts';
import type { ReassignTarget } from './ReassignAlertsModal.tsx';

export type WorkloadTableProps = {
  overview: TeamOverview;
  onReassign: (target: ReassignTarget) => void;
};

/** Open alerts per agent right now, with a hand-over for each (and for the unassigned ones). */
export function WorkloadTable({ overview, onReassign }: WorkloadTableProps) {
  return (
    <Paper withBorder p="lg">
      <Title order={2} size="h5">
        Open alerts per agent
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        Right now, whatever the period: new, viewed, contacted and snoozed alerts.
      </Text>
      <ScrollArea type="auto">
        <Table striped highlightOnHover miw={640} aria-label="Open alerts per agent">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Agent</Table.Th>
              <Table.Th ta="right">Open</Table.Th>
              <Table.Th ta="right">CRITICAL</Table.Th>
              <Table.Th ta="right">Escalated</Table.Th>
              <Table.Th>Territory</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {overview.agents.map((agent) => (
              <Table.Tr key={agent.id}>
                <Table.Td>
                  {agent.name}
                  {!agent.active && (
                    <Badge ml="xs" size="xs" color="gray" variant="light">
                      deactivated
                    </Badge>
                  )}
                  {agent.role !== 'agent' && (
                    <Badge ml="xs" size="xs" variant="light">
                      {agent.role}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td ta="right">{agent.openAlerts}</Table.Td>
                <Table.Td ta="right">{agent.openCritical}</Table.Td>
                <Table.Td ta="right">{agent.escalatedOpen > 0 ? <Badge color="red">{agent.escalatedOpen}</Badge> : 0}</Table.Td>
                <Table.Td>
                  <Text size="sm" c={agent.territories.length ? undefined : 'dimmed'} lineClamp={1}>
                    {agent.territories.length ? agent.territories.join(', ') : 'none'}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">
                  <Button
                    size="compact-sm"
                    variant="light"
                    disabled={agent.openAlerts === 0}
                    aria-label={`Reassign ${agent.name}’s ${agent.openAlerts} open alerts`}
                    onClick={() => onReassign({ fromAgentId: agent.id, fromName: agent.name, count: agent.openAlerts })}
                  >
                    Reassign…
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
            <Table.Tr>
              <Table.Td>
                <Text size="sm" fs="italic">
                  Unassigned
                </Text>
              </Table.Td>
              <Table.Td ta="right">{overview.unassignedOpen}</Table.Td>
              <Table.Td colSpan={3} />
              <Table.Td ta="right">
                <Button
                  size="compact-sm"
                  variant="light"
                  disabled={overview.unassignedOpen === 0}
                  aria-label={`Assign the ${overview.unassignedOpen} unassigned open alerts`}
                  onClick={() => onReassign({ fromAgentId: null, fromName: 'nobody', count: overview.unassignedOpen })}
                >
                  Assign…
                </Button>
              </Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </ScrollArea>
    </Paper>
  );
}
