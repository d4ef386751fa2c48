import { Button, Group, Paper, SimpleGrid, Text } from '@mantine/core';
import { IconPencil } from '@tabler/icons-react';
import type { PropertyFactName, PropertyFacts } from '../../../shared/api/ipcContract.ts';
import { CONDITION_LABELS, FACT_LABELS, GRADE_LABELS, VIEW_LABELS } from '../utils/propertyFactLabels.ts';
import { formatNumber } from '../utils/formatValue.ts';

export type PropertyFactsCardProps = { facts: PropertyFacts; missingFacts: readonly PropertyFactName[]; onEdit: () => void };

const ORDER: readonly PropertyFactName[] = ['bedrooms', 'bathrooms', 'sqftLiving', 'sqftLot', 'floors', 'yrBuilt', 'yrRenovated', 'condition', 'grade', 'view', 'waterfront'];

function display(name: PropertyFactName, facts: PropertyFacts): string {
  const value = facts[name];
  if (name === 'waterfront') return value ? 'Yes' : 'No';
  if (value === null || typeof value === 'boolean') return name === 'yrRenovated' ? 'Never' : 'Unknown';
  if (name === 'condition') return CONDITION_LABELS[value] ?? String(value);
  if (name === 'grade') return GRADE_LABELS[value] ?? String(value);
  if (name === 'view') return VIEW_LABELS[value] ?? String(value);
  if (name === 'yrBuilt' || name === 'yrRenovated') return String(value);
  return formatNumber(value);
}

/** The facts the estimate rests on, with the way to correct them. */
export function PropertyFactsCard({ facts, missingFacts, onEdit }: PropertyFactsCardProps) {
  return (
    <Paper withBorder p="lg" h="100%">
      <Group justify="space-between" mb="sm">
        <Text fw={600}>Facts</Text>
        <Button size="xs" variant="light" leftSection={<IconPencil size={14} />} onClick={onEdit}>
          Edit facts
        </Button>
      </Group>
      <SimpleGrid cols={2} spacing="xs" verticalSpacing={6} component="dl" m={0}>
        {ORDER.map((name) => (
          <div key={name}>
            <Text component="dt" size="xs" c="dimmed">
              {FACT_LABELS[name]}
            </Text>
            <Text component="dd" m={0} size="sm" fw={500} c={missingFacts.includes(name) ? 'red' : undefined} data-testid={`fact-${name}`}>
              {display(name, facts)}
            </Text>
          </div>
        ))}
      </SimpleGrid>
    </Paper>
  );
}
