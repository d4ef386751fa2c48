import { IconAddressBook } from '@tabler/icons-react';
import { PageEmptyState } from '../../../shared/ui/PageEmptyState.tsx';
import { PageLayout } from '../../../shared/ui/PageLayout.tsx';

export function ContactsPage() {
  return (
    <PageLayout title="Contacts" description="Your past clients, sphere and leads.">
      <PageEmptyState
        icon={<IconAddressBook size={28} stroke={1.5} />}
        title="No contacts yet"
        description="Contacts from your brokerage appear here after they sync to this computer, with their stage, tags, notes and activity."
      />
    </PageLayout>
  );
}
