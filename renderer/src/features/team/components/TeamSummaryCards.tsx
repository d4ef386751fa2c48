import { Paper, SimpleGrid, Text } from '@mantine/core';
import { formatMinutes, formatRate, type TeamOverview } from '../utils/teamFormat.ts';

export type TeamSummaryCardsProps = { overview: TeamOverview };

export function TeamSummaryCards({ overview }: TeamSummaryCardsProps) {
  const open = overview.agents.reduce((sum, agent) => sum + agent.openAlerts, 0) + overview.unassignedOpen;
  const alerts = overview.funnel[0]?.count ?? 0;
  const converted = overview.funnel.at(-1)?.count ?? 0;
  const cards = [
    { label: 'Open alerts', value: String(open), hint: `${overview.unassignedOpen} unassigned` },
    { label: 'Escalated, waiting', value: String(overview.escalated.length), hint: 'unclaimed CRITICAL alerts' },
    { label: 'Median response', value: formatMinutes(overview.teamMedianResponseMinutes), hint: 'alert → first contact, this period' },
    { label: 'Converted', value: String(converted), hint: alerts ? `${formatRate(converted / alerts)} of ${alerts} alerts this period` : 'no alerts this period' },
  ];
  return (
    <SimpleGrid cols={{ base: 2, md: 4 }}>
      {cards.map((card) => (
        <Paper key={card.label} withBorder p="md">
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {card.label}
          </Text>
          <Text size="xl" fw={700}>
            {card.value}
          </Text>
          <Text size="xs" c="dimmed">
            {card.hint}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}
