import { Alert, Anchor, Button, Grid, Group, Skeleton, Stack, Text } from '@mantine/core';
import { IconAlertCircle, IconArrowLeft, IconRefresh } from '@tabler/icons-react';
import { useState } from 'react';
import { routeHref } from '../../../app/navigation/route.ts';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import type { PropertyDetail } from '../../../shared/api/ipcContract.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { PageLayout } from '../../../shared/ui/PageLayout.tsx';
import { usePropertyDetail } from '../hooks/usePropertyDetail.ts';
import { ComparableSalesTable } from './ComparableSalesTable.tsx';
import { ComparablesScatterChart } from './ComparablesScatterChart.tsx';
import { EditFactsModal } from './EditFactsModal.tsx';
import { EquityTimelineChart } from './EquityTimelineChart.tsx';
import { EstimateCard } from './EstimateCard.tsx';
import { FinancialPanel } from './FinancialPanel.tsx';
import { MaintenanceSchedule } from './MaintenanceSchedule.tsx';
import { MarketStatsCard } from './MarketStatsCard.tsx';
import { PropertyFactsCard } from './PropertyFactsCard.tsx';
import { ValueHistoryChart } from './ValueHistoryChart.tsx';

export type PropertyDetailPageProps = { id: string };

// A component, not a module-level element: route.ts → appPages.ts → this file is an import cycle.
function BackToList() {
  return (
    <Anchor href={routeHref('properties')} size="sm">
      <Group gap={4} component="span">
        <IconArrowLeft size={14} /> All properties
      </Group>
    </Anchor>
  );
}

/** One home: what it is worth and why, the owner's finances, and its upkeep. */
export function PropertyDetailPage({ id }: PropertyDetailPageProps) {
  const api = useApi();
  const { detail, error, loading, replace } = usePropertyDetail(id);
  const [editing, setEditing] = useState(false);
  const [previousEstimate, setPreviousEstimate] = useState<number | null>(null);
  const [revaluing, setRevaluing] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  const saved = (next: PropertyDetail) => {
    setPreviousEstimate(detail?.valuation?.estimate ?? null);
    replace(next);
  };
  const revalue = async () => {
    setRevaluing(true);
    setActionError(null);
    try {
      replace(await api.revalueProperty({ id }));
    } catch (cause) {
      setActionError(errorMessage(cause));
    } finally {
      setRevaluing(false);
    }
  };

  if (!detail) {
    return (
      <PageLayout title="Property" description={<BackToList />}>
        {error ? (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title="Could not open this property">
            {error}
          </Alert>
        ) : (
          <Stack aria-busy={loading} aria-label="Loading the property">
            <Skeleton height={180} />
            <Skeleton height={260} />
          </Stack>
        )}
      </PageLayout>
    );
  }

  const { property, valuation } = detail;
  const subtitle = [property.owner ? `Owner: ${property.owner.name}` : 'No owner on record', property.zipcode && `ZIP ${property.zipcode}`, property.parcelId && `Parcel ${property.parcelId}`]
    .filter(Boolean)
    .join(' · ');
  return (
    <PageLayout
      title={property.address || 'Property'}
      description={
        <>
          <BackToList />
          <Text span size="sm" c="dimmed" ml="md">
            {subtitle}
          </Text>
        </>
      }
      actions={
        <Button variant="default" leftSection={<IconRefresh size={16} />} loading={revaluing} onClick={() => void revalue()}>
          Revalue
        </Button>
      }
    >
      {actionError && (
        <Alert color="red" variant="light" withCloseButton onClose={() => setActionError(null)}>
          {actionError}
        </Alert>
      )}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 5 }}>
          {valuation ? (
            <EstimateCard valuation={valuation} previousEstimate={previousEstimate} pendingChanges={property.pendingChanges} />
          ) : (
            <Alert color="yellow" variant="light" icon={<IconAlertCircle size={18} />} title="No estimate yet" h="100%">
              {detail.valuationIssue}
            </Alert>
          )}
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 3 }}>
          <PropertyFactsCard facts={property.facts} missingFacts={detail.missingFacts} onEdit={() => setEditing(true)} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <FinancialPanel propertyId={property.id} loan={detail.loan} refinance={detail.refinance} estimate={valuation?.estimate ?? null} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <ValueHistoryChart history={detail.history} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <EquityTimelineChart timeline={detail.equityTimeline} loan={detail.loan} />
        </Grid.Col>
        {valuation && (
          <>
            <Grid.Col span={{ base: 12, md: 4 }}>
              <MarketStatsCard market={valuation.market} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 8 }}>
              <ComparablesScatterChart valuation={valuation} facts={property.facts} />
            </Grid.Col>
            <Grid.Col span={12}>
              <ComparableSalesTable valuation={valuation} />
            </Grid.Col>
          </>
        )}
        <Grid.Col span={12}>
          <MaintenanceSchedule propertyId={property.id} items={detail.maintenance} />
        </Grid.Col>
      </Grid>
      {editing && <EditFactsModal propertyId={property.id} facts={property.facts} opened onClose={() => setEditing(false)} onSaved={saved} />}
    </PageLayout>
  );
}
