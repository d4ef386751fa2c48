import { IconMail } from '@tabler/icons-react';
import { PageEmptyState } from '../../../shared/ui/PageEmptyState.tsx';
import { PageLayout } from '../../../shared/ui/PageLayout.tsx';

export function CampaignsPage() {
  return (
    <PageLayout title="Campaigns" description="Email campaigns to your contacts, sent from your own account.">
      <PageEmptyState
        icon={<IconMail size={28} stroke={1.5} />}
        title="No campaigns yet"
        description="Your campaigns appear here with their audience, schedule and results: sent, opened, clicked and unsubscribed."
      />
    </PageLayout>
  );
}
