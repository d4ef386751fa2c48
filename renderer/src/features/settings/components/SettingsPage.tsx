import { Stack } from '@mantine/core';
import { PageLayout } from '../../../shared/ui/PageLayout.tsx';
import { AboutSettings } from './AboutSettings.tsx';
import { AppearanceSettings } from './AppearanceSettings.tsx';

export function SettingsPage() {
  return (
    <PageLayout title="Settings" description="Preferences for this computer.">
      <Stack gap="md" maw={720}>
        <AppearanceSettings />
        <AboutSettings />
      </Stack>
    </PageLayout>
  );
}
