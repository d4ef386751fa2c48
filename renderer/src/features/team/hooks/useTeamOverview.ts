import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import type { TeamOverview, TeamPeriod } from '../utils/teamFormat.ts';

/** Tables whose changes move the team figures. */
const WATCHED = new Set(['alerts', 'alert_outcomes', 'users', 'contacts']);
/** Sync delivers a table in many batches: one reload after the burst is enough. */
const RELOAD_DELAY_MS = 800;

export type TeamOverviewState = { overview: TeamOverview | null; error: string | null; loading: boolean; reload: () => void };

/** The team figures of `period`, read from the local replica, refreshed when synced changes arrive. */
export function useTeamOverview(period: TeamPeriod): TeamOverviewState {
  const api = useApi();
  const [overview, setOverview] = useState<TeamOverview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    const request = ++latest.current;
    setLoading(true);
    api.getTeamOverview({ period }).then(
      (next) => {
        if (request !== latest.current) return;
        setOverview(next);
        setError(null);
        setLoading(false);
      },
      (cause: unknown) => {
        if (request !== latest.current) return;
        setError(errorMessage(cause));
        setLoading(false);
      },
    );
  }, [api, period, generation]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = api.on('dataChanged', ({ tables }) => {
      if (timer || !tables.some((table) => WATCHED.has(table))) return;
      timer = setTimeout(() => {
        timer = null;
        reload();
      }, RELOAD_DELAY_MS);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [api, reload]);

  return { overview, error, loading, reload };
}
