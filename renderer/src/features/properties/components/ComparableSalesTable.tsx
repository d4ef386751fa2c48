import { Badge, Group, Paper, ScrollArea, Table, Text } from '@mantine/core';
import type { ValuationDetail } from '../../../shared/api/ipcContract.ts';
import { formatDate, formatMoney, formatMoneyChange, formatNumber } from '../utils/formatValue.ts';

export type ComparableSalesTableProps = { valuation: ValuationDetail };

const ADJUSTMENTS = [
  { key: 'time', label: 'Time' },
  { key: 'size', label: 'Size' },
  { key: 'quality', label: 'Quality' },
  { key: 'age', label: 'Age' },
  { key: 'amenities', label: 'View / water' },
] as const;

/** Each comparable sale and how its price was moved to this property, adjustment by adjustment. */
export function ComparableSalesTable({ valuation }: ComparableSalesTableProps) {
  return (
    <Paper withBorder p="lg">
      <Text fw={600}>Comparable sales and adjustments</Text>
      <Text size="xs" c="dimmed" mb="sm">
        The {valuation.comps.length} most similar sales within {valuation.compsRadiusMiles} mile{valuation.compsRadiusMiles === 1 ? '' : 's'}
        {valuation.compsRadiusMiles > 0.5 ? ' (widened: too few sales within 0.5 mile)' : ''}. Adjustments apply in order — market change since the sale
        first — and add up to the adjusted price.
      </Text>
      <ScrollArea type="auto">
        <Table striped highlightOnHover miw={1100} style={{ whiteSpace: 'nowrap' }} data-testid="comps-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Sold</Table.Th>
              <Table.Th ta="right">Price</Table.Th>
              <Table.Th ta="right">Distance</Table.Th>
              <Table.Th>Beds / baths</Table.Th>
              <Table.Th ta="right">Sq ft</Table.Th>
              <Table.Th ta="right">Grade</Table.Th>
              <Table.Th ta="right">Built</Table.Th>
              {ADJUSTMENTS.map((adjustment) => (
                <Table.Th key={adjustment.key} ta="right">
                  {adjustment.label}
                </Table.Th>
              ))}
              <Table.Th ta="right">Adjusted</Table.Th>
              <Table.Th ta="right">Weight</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {valuation.comps.map((comp) => (
              <Table.Tr key={`${comp.parcelId}-${comp.saleDate}`}>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    {formatDate(comp.saleDate)}
                    {comp.sameParcel && (
                      <Badge size="xs" variant="light" title="An earlier sale of this same home">
                        this home
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td ta="right">{formatMoney(comp.price)}</Table.Td>
                <Table.Td ta="right">{comp.miles.toFixed(2)} mi</Table.Td>
                <Table.Td>
                  {comp.bedrooms} / {formatNumber(comp.bathrooms)}
                </Table.Td>
                <Table.Td ta="right">{formatNumber(comp.sqftLiving)}</Table.Td>
                <Table.Td ta="right">{comp.grade}</Table.Td>
                <Table.Td ta="right">{comp.yrBuilt}</Table.Td>
                {ADJUSTMENTS.map((adjustment) => (
                  <Table.Td key={adjustment.key} ta="right" c={Math.round(comp.adjustments[adjustment.key]) === 0 ? 'dimmed' : undefined}>
                    {formatMoneyChange(comp.adjustments[adjustment.key])}
                  </Table.Td>
                ))}
                <Table.Td ta="right" fw={600}>
                  {formatMoney(comp.adjustedPrice)}
                </Table.Td>
                <Table.Td ta="right">{Math.round(comp.weight * 100)}%</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
    </Paper>
  );
}
