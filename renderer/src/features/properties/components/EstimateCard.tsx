import { Badge, Box, Group, Paper, Progress, Stack, Text, Title, Tooltip } from '@mantine/core';
import type { PropertyDetail, ValuationDetail } from '../../../shared/api/ipcContract.ts';
import { confidenceLevel } from '../utils/confidenceLevel.ts';
import { formatDate, formatMoney, formatMoneyChange } from '../utils/formatValue.ts';

export type EstimateCardProps = {
  valuation: ValuationDetail;
  /** The estimate before the agent's last correction, to show what it changed. */
  previousEstimate: number | null;
  pendingChanges: PropertyDetail['property']['pendingChanges'];
};

/** The estimate, its 80% range and how sure it is — readable at a glance. */
export function EstimateCard({ valuation, previousEstimate, pendingChanges }: EstimateCardProps) {
  const level = confidenceLevel(valuation.confidence);
  // Where the estimate sits inside its range, for the range bar.
  const position = ((valuation.estimate - valuation.low) / (valuation.high - valuation.low)) * 100;
  const change = previousEstimate === null ? null : valuation.estimate - previousEstimate;
  return (
    <Paper withBorder p="lg" h="100%">
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start">
          <Text size="sm" c="dimmed" fw={500}>
            Estimated value
          </Text>
          <Tooltip label={level.explanation} multiline w={260} withArrow>
            <Badge color={level.color} variant="light" size="lg" tabIndex={0} data-testid="confidence">
              {level.label} confidence · {valuation.confidence}
            </Badge>
          </Tooltip>
        </Group>
        <Title order={2} fz={40} lh={1.1} data-testid="estimate">
          {formatMoney(valuation.estimate)}
        </Title>
        {change !== null && Math.round(change) !== 0 && (
          <Text size="sm" c={change > 0 ? 'teal' : 'red'} role="status">
            {formatMoneyChange(change)} after your correction (was {formatMoney(previousEstimate)})
          </Text>
        )}
        <Box mt="xs" aria-label={`80% range ${formatMoney(valuation.low)} to ${formatMoney(valuation.high)}`}>
          <Progress.Root size="lg" aria-hidden="true">
            <Progress.Section value={position} color="indigo.2" />
            <Progress.Section value={1.5} color="indigo.7" />
            <Progress.Section value={Math.max(0, 98.5 - position)} color="indigo.2" />
          </Progress.Root>
          <Group justify="space-between" mt={4}>
            <Text size="sm" data-testid="estimate-low">
              {formatMoney(valuation.low)}
            </Text>
            <Text size="xs" c="dimmed">
              80% range
            </Text>
            <Text size="sm" data-testid="estimate-high">
              {formatMoney(valuation.high)}
            </Text>
          </Group>
        </Box>
        <Text size="xs" c="dimmed" mt="xs">
          As of {formatDate(valuation.valuationDate)} · market data through {formatDate(valuation.marketDataThrough)}. Learned model{' '}
          {formatMoney(valuation.modelEstimate)}; {valuation.comps.length} comparable sales {formatMoney(valuation.compsEstimate)}.
        </Text>
        {valuation.priorSale && (
          <Text size="xs" c="dimmed">
            Last sold {formatDate(valuation.priorSale.date)} for {formatMoney(valuation.priorSale.price)} ({formatMoney(valuation.priorSale.timeAdjustedPrice)} in
            today’s market).
          </Text>
        )}
        {pendingChanges > 0 && (
          <Text size="xs" c="orange" data-testid="pending-sync">
            Saved on this device; waiting to sync.
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
