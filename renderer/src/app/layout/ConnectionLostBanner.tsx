import { Alert, Loader } from '@mantine/core';
import { useApiConnected } from '../../shared/api/useApi.ts';

/** Browser mode only: the page lost its socket to the ROI Desk process serving it and is reconnecting. */
export function ConnectionLostBanner() {
  const connected = useApiConnected();
  if (connected) return null;
  return (
    <Alert
      color="red"
      variant="outline"
      icon={<Loader size={16} color="red" aria-hidden />}
      title="Reconnecting to ROI Desk…"
      mb="lg"
      maw={1200}
      mx="auto"
      data-testid="connection-lost-banner"
    >
      This window lost its connection to ROI Desk. Actions fail until it is back; nothing saved so far is lost.
    </Alert>
  );
}
