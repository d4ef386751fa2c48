import { IconUsersGroup } from '@tabler/icons-react';
import { PageEmptyState } from '../../../shared/ui/PageEmptyState.tsx';
import { PageLayout } from '../../../shared/ui/PageLayout.tsx';

export function TeamPage() {
  return (
    <PageLayout title="Team" description="How your agents are doing with the alerts they receive.">
      <PageEmptyState
        icon={<IconUsersGroup size={28} stroke={1.5} />}
        title="No team activity yet"
        description="Response times, the conversion funnel from alert to closed deal and the agent leaderboard appear here, along with alert routing."
      />
    </PageLayout>
  );
}
