import { Alert } from '@mantine/core';
import { IconCloudOff } from '@tabler/icons-react';
import { useState } from 'react';

export type OfflineStartBannerProps = {
  serverUrl: string;
};

const hostOf = (url: string): string => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

/** Shown while the session is the remembered one because the server was unreachable at start. */
export function OfflineStartBanner({ serverUrl }: OfflineStartBannerProps) {
  const [dismissed, setDismissed] = useState(false);
  if (dismissed) return null;
  return (
    <Alert
      color="yellow"
      variant="outline"
      icon={<IconCloudOff size={18} />}
      title="Working offline"
      withCloseButton
      closeButtonLabel="Dismiss"
      onClose={() => setDismissed(true)}
      mb="lg"
      maw={1200}
      mx="auto"
      data-testid="offline-start-banner"
    >
      ROI Desk could not reach {hostOf(serverUrl)} when it started, so you are using the session saved on this computer.
      Everything you do is kept here and syncs when the connection is back.
    </Alert>
  );
}
