import { useEffect, useState } from 'react';
import { useApi } from '../../../shared/api/useApi.ts';
import type { RunProgress } from '../types.ts';

/** The newest progress of a campaign's run as the main process reports it while sending. */
export function useCampaignProgress(campaignId: string | null, initial: RunProgress | null = null): RunProgress | null {
  const api = useApi();
  const [progress, setProgress] = useState<RunProgress | null>(initial);
  useEffect(() => setProgress(initial), [initial]);
  useEffect(() => {
    if (!campaignId) return undefined;
    return api.on('campaignProgress', (next) => {
      if (next.campaignId === campaignId) setProgress(next);
    });
  }, [api, campaignId]);
  return progress;
}
