import { Alert, Button, Group, Loader, SegmentedControl, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconAlertCircle, IconUsersGroup } from '@tabler/icons-react';
import { useState } from 'react';
import { PageEmptyState } from '../../../shared/ui/PageEmptyState.tsx';
import { PageLayout } from '../../../shared/ui/PageLayout.tsx';
import { useReassignAlerts } from '../hooks/useReassignAlerts.tsx';
import { useTeamOverview } from '../hooks/useTeamOverview.ts';
import { PERIOD_OPTIONS, type TeamPeriod } from '../utils/teamFormat.ts';
import { AlertVolumeChart } from './AlertVolumeChart.tsx';
import { ConversionByTypeChart } from './ConversionByTypeChart.tsx';
import { ConversionFunnelChart } from './ConversionFunnelChart.tsx';
import { EscalatedAlertsTable } from './EscalatedAlertsTable.tsx';
import { LeaderboardTable } from './LeaderboardTable.tsx';
import { ReassignAlertsModal, type ReassignTarget } from './ReassignAlertsModal.tsx';
import { RoutingSettingsCard } from './RoutingSettingsCard.tsx';
import { TeamSummaryCards } from './TeamSummaryCards.tsx';
import { WorkloadTable } from './WorkloadTable.tsx';

/** The managers' view of their team: workloads and hand-overs, performance, and how alerts are routed. */
export function TeamPage() {
  const [period, setPeriod] = useState<TeamPeriod>('90');
  const { overview, error, loading, reload } = useTeamOverview(period);
  const [reassigning, setReassigning] = useState<ReassignTarget | null>(null);
  const reassign = useReassignAlerts(reload);

  const periodControl = (
    <SegmentedControl
      role="radiogroup"
      aria-label="Period"
      data={PERIOD_OPTIONS}
      value={period}
      onChange={(value) => setPeriod(value as TeamPeriod)}
    />
  );

  return (
    <PageLayout title="Team" description="How your agents are doing with the alerts they receive, and how new alerts reach them." actions={periodControl}>
      {error && (
        <Alert color="red" icon={<IconAlertCircle size={18} />} title="Could not load the team figures">
          <Text size="sm">{error}</Text>
          <Button mt="sm" size="compact-sm" variant="light" onClick={reload}>
            Try again
          </Button>
        </Alert>
      )}
      {!overview && loading && (
        <Group gap="xs" role="status">
          <Loader size="sm" />
          <Text size="sm">Counting your team’s alerts…</Text>
        </Group>
      )}
      {overview && (
        <Stack gap="lg" aria-busy={loading}>
          {overview.agents.length === 0 && (overview.funnel[0]?.count ?? 0) === 0 && overview.unassignedOpen === 0 ? (
            <PageEmptyState
              icon={<IconUsersGroup size={28} stroke={1.5} />}
              title="No team activity yet"
              description="Once your brokerage has agents and alerts arrive, their workloads, response times, the conversion funnel and the leaderboard appear here."
            />
          ) : (
            <>
              <TeamSummaryCards overview={overview} />
              <EscalatedAlertsTable overview={overview} onReassign={setReassigning} />
              <WorkloadTable overview={overview} onReassign={setReassigning} />
              <SimpleGrid cols={{ base: 1, md: 2 }}>
                <ConversionFunnelChart overview={overview} />
                <ConversionByTypeChart overview={overview} />
              </SimpleGrid>
              <LeaderboardTable overview={overview} />
              <AlertVolumeChart overview={overview} />
            </>
          )}
          <ReassignAlertsModal
            target={reassigning}
            agents={overview.agents}
            onClose={() => setReassigning(null)}
            onConfirm={(toAgentId, toName) =>
              reassign({
                fromAgentId: reassigning!.fromAgentId,
                toAgentId,
                fromName: reassigning!.fromName,
                toName,
                ...(reassigning!.alertIds ? { alertIds: reassigning!.alertIds } : {}),
              })
            }
          />
        </Stack>
      )}
      <RoutingSettingsCard />
    </PageLayout>
  );
}
