import { Paper, ScrollArea, Table, Text, Title } from '@mantine/core';
import { formatMinutes, formatRate, type TeamOverview } from '../utils/teamFormat.ts';

export type LeaderboardTableProps = { overview: TeamOverview };

/** Agents ranked by conversions, then alerts worked, then the faster median response. */
export function LeaderboardTable({ overview }: LeaderboardTableProps) {
  return (
    <Paper withBorder p="lg">
      <Title order={2} size="h5">
        Leaderboard
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        Alerts created in the period. Handled: contacted, converted or dismissed. Response: from the alert to the first contact.
      </Text>
      {overview.leaderboard.length === 0 ? (
        <Text size="sm" c="dimmed">
          No agents yet: they appear once the brokerage has agents.
        </Text>
      ) : (
        <ScrollArea type="auto">
          <Table striped miw={560} aria-label="Agent leaderboard">
            <Table.Thead>
              <Table.Tr>
                <Table.Th ta="right">#</Table.Th>
                <Table.Th>Agent</Table.Th>
                <Table.Th ta="right">Assigned</Table.Th>
                <Table.Th ta="right">Handled</Table.Th>
                <Table.Th ta="right">Median response</Table.Th>
                <Table.Th ta="right">Conversions</Table.Th>
                <Table.Th ta="right">Conversion rate</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {overview.leaderboard.map((row, index) => (
                <Table.Tr key={row.agentId}>
                  <Table.Td ta="right">{index + 1}</Table.Td>
                  <Table.Td>{row.name}</Table.Td>
                  <Table.Td ta="right">{row.assigned}</Table.Td>
                  <Table.Td ta="right">{row.handled}</Table.Td>
                  <Table.Td ta="right">{formatMinutes(row.medianResponseMinutes)}</Table.Td>
                  <Table.Td ta="right">{row.conversions}</Table.Td>
                  <Table.Td ta="right">{formatRate(row.conversionRate)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      )}
    </Paper>
  );
}
