import { Alert, Badge, Box, Button, Group, NativeSelect, Paper, Skeleton, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertCircle, IconBuildingEstate, IconSearch } from '@tabler/icons-react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { routeHref } from '../../../app/navigation/route.ts';
import type { PropertySort, PropertySummary } from '../../../shared/api/ipcContract.ts';
import { PageEmptyState } from '../../../shared/ui/PageEmptyState.tsx';
import { SyncCatchUpNote } from '../../sync-status/components/SyncCatchUpNote.tsx';
import { PageLayout } from '../../../shared/ui/PageLayout.tsx';
import { usePropertyList } from '../hooks/usePropertyList.ts';
import { confidenceLevel } from '../utils/confidenceLevel.ts';
import { formatCompactMoney, formatMoney, formatNumber } from '../utils/formatValue.ts';
import classes from './PropertyListPage.module.css';

const ROW_HEIGHT = 60;
const SORTS: { value: PropertySort; label: string }[] = [
  { value: 'address', label: 'Address' },
  { value: 'estimate', label: 'Highest estimate' },
  { value: 'confidence', label: 'Least certain estimate' },
];

function PropertyRow({ property }: { property: PropertySummary }) {
  const level = property.estimateConfidence === null ? null : confidenceLevel(property.estimateConfidence);
  const facts = [
    property.bedrooms !== null ? `${property.bedrooms} bd` : null,
    property.bathrooms !== null ? `${formatNumber(property.bathrooms)} ba` : null,
    property.sqftLiving !== null ? `${formatNumber(property.sqftLiving)} sq ft` : null,
    property.yrBuilt !== null ? `built ${property.yrBuilt}` : null,
  ].filter(Boolean);
  return (
    <a className={classes.row} href={routeHref('properties', property.id)} data-testid="property-row">
      <Box miw={0}>
        <Text fw={600} truncate>
          {property.address || 'Address unknown'}
        </Text>
        <Text size="sm" c="dimmed" truncate>
          {[property.ownerName ?? 'No owner on record', facts.join(' · ')].filter(Boolean).join(' — ')}
        </Text>
      </Box>
      <Box ta="right">
        <Text fw={600}>{formatMoney(property.estimate)}</Text>
        <Text size="xs" c="dimmed">
          {property.estimateLow !== null ? `${formatCompactMoney(property.estimateLow)} – ${formatCompactMoney(property.estimateHigh)}` : 'No estimate yet'}
        </Text>
      </Box>
      <Box w={92} ta="right">
        {level && (
          <Badge color={level.color} variant="light" title={level.explanation}>
            {level.label}
          </Badge>
        )}
      </Box>
    </a>
  );
}

/** Every property in scope, searchable, in a virtualised list: only the rows on screen are in the DOM. */
export function PropertyListPage() {
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search.trim(), 250);
  const [sort, setSort] = useState<PropertySort>('address');
  const list = usePropertyList(debouncedSearch, sort);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: list.total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const rows = virtualizer.getVirtualItems();
  const first = rows[0]?.index ?? 0;
  const last = rows[rows.length - 1]?.index ?? 0;
  const { ensureRows } = list;
  useEffect(() => ensureRows(first, last), [ensureRows, first, last, list.total]);

  const filters = (
    <Group gap="sm" wrap="nowrap">
      <TextInput
        aria-label="Search properties"
        placeholder="Address, owner, zip or parcel"
        leftSection={<IconSearch size={16} />}
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
        w={280}
      />
      <NativeSelect aria-label="Sort by" data={SORTS} value={sort} onChange={(event) => setSort(event.currentTarget.value as PropertySort)} />
    </Group>
  );

  let body;
  if (list.error && list.total === null) {
    body = (
      <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title="Could not load the properties">
        <Group justify="space-between">
          <Text size="sm">{list.error}</Text>
          <Button size="xs" variant="default" onClick={list.retry}>
            Try again
          </Button>
        </Group>
      </Alert>
    );
  } else if (list.total === null) {
    body = (
      <Paper withBorder aria-busy="true" aria-label="Loading properties">
        {Array.from({ length: 6 }, (_, i) => (
          <Skeleton key={i} height={ROW_HEIGHT - 12} m="xs" />
        ))}
      </Paper>
    );
  } else if (list.total === 0 && !debouncedSearch) {
    body = (
      <PageEmptyState
        icon={<IconBuildingEstate size={28} stroke={1.5} />}
        title="No properties yet"
        description="Homes of your contacts appear here once they have synced, each with its estimated value and range, equity, comparable sales nearby and the local market."
      >
        <SyncCatchUpNote />
      </PageEmptyState>
    );
  } else if (list.total === 0) {
    body = <Text c="dimmed">No property matches “{debouncedSearch}”.</Text>;
  } else {
    body = (
      <Paper withBorder>
        <div ref={scrollRef} className={classes.scroller} role="list" aria-label={`${list.total} properties`}>
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {rows.map((row) => {
              const property = list.rowAt(row.index);
              return (
                <div key={row.key} role="listitem" className={classes.slot} style={{ height: row.size, transform: `translateY(${row.start}px)` }}>
                  {property ? <PropertyRow property={property} /> : <Skeleton height={ROW_HEIGHT - 16} m={8} />}
                </div>
              );
            })}
          </div>
        </div>
      </Paper>
    );
  }

  return (
    <PageLayout
      title="Properties"
      description={list.total === null ? 'Homes owned by your contacts, with what they are worth and why.' : `${list.total} ${list.total === 1 ? 'home' : 'homes'} with what they are worth and why.`}
      actions={filters}
    >
      {body}
    </PageLayout>
  );
}
