import { IconLock } from '@tabler/icons-react';
import type { Role } from '../../shared/api/ipcContract.ts';
import { PageEmptyState } from '../../shared/ui/PageEmptyState.tsx';
import { PageLayout } from '../../shared/ui/PageLayout.tsx';
import { PageErrorBoundary } from '../error-boundary/PageErrorBoundary.tsx';
import { canOpenPage, type AppPage } from './appPages.ts';

export type PageOutletProps = {
  page: AppPage;
  role: Role;
};

/** The current page, or why this user cannot see it (a link or shortcut can still point there). */
export function PageOutlet({ page, role }: PageOutletProps) {
  if (!canOpenPage(page, role)) {
    return (
      <PageLayout title={page.label}>
        <PageEmptyState
          icon={<IconLock size={28} stroke={1.5} />}
          title="Not available for your role"
          description={`Your role does not include ${page.label}. Ask your brokerage admin if you need access.`}
        />
      </PageLayout>
    );
  }
  const Page = page.component;
  // Keyed by page: a crash on one page must not follow the user to the next.
  return (
    <PageErrorBoundary key={page.id} pageLabel={page.label}>
      <Page />
    </PageErrorBoundary>
  );
}
