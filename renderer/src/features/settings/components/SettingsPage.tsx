import { Stack } from '@mantine/core';
import { PageLayout } from '../../../shared/ui/PageLayout.tsx';
import { NotificationSettings } from '../../inbox/components/NotificationSettings.tsx';
import { AboutSettings } from './AboutSettings.tsx';
import { AppearanceSettings } from './AppearanceSettings.tsx';
import { SmtpSettingsSection } from '../../campaigns/components/SmtpSettingsSection.tsx';

export function SettingsPage() {
  return (
    <PageLayout title="Settings" description="Preferences for this computer.">
      <Stack gap="md" maw={720}>
        <AppearanceSettings />
        <SmtpSettingsSection />
        <NotificationSettings />
        <AboutSettings />
      </Stack>
    </PageLayout>
  );
}
