import { IconChecklist } from '@tabler/icons-react';
import { PageEmptyState } from '../../../shared/ui/PageEmptyState.tsx';
import { PageLayout } from '../../../shared/ui/PageLayout.tsx';

export function TasksPage() {
  return (
    <PageLayout title="Tasks" description="Follow-ups and reminders.">
      <PageEmptyState
        icon={<IconChecklist size={28} stroke={1.5} />}
        title="No tasks yet"
        description="Calls to make and follow-ups you plan appear here by due date, and ROI Desk reminds you when they are due."
      />
    </PageLayout>
  );
}
