import { IconBuildingEstate } from '@tabler/icons-react';
import { PageEmptyState } from '../../../shared/ui/PageEmptyState.tsx';
import { PageLayout } from '../../../shared/ui/PageLayout.tsx';

export function PropertiesPage() {
  return (
    <PageLayout title="Properties" description="Homes owned by your contacts, with what they are worth and why.">
      <PageEmptyState
        icon={<IconBuildingEstate size={28} stroke={1.5} />}
        title="No properties yet"
        description="Each property appears here with its estimated value and range, equity, comparable sales nearby and the local market."
      />
    </PageLayout>
  );
}
