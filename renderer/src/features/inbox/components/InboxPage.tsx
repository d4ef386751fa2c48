import { IconInbox } from '@tabler/icons-react';
import { PageEmptyState } from '../../../shared/ui/PageEmptyState.tsx';
import { PageLayout } from '../../../shared/ui/PageLayout.tsx';

export function InboxPage() {
  return (
    <PageLayout title="Inbox" description="Past clients and homeowners who look ready to sell, buy, refinance or invest.">
      <PageEmptyState
        icon={<IconInbox size={28} stroke={1.5} />}
        title="No alerts yet"
        description="When one of your contacts starts showing intent, an alert appears here with its priority, the signals behind it and what to do next."
      />
    </PageLayout>
  );
}
