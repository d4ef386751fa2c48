import { useCallback, useEffect, useState } from 'react';
import { errorCode, errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import type { RoutingSettings, RoutingState } from '../utils/teamFormat.ts';

export type RoutingSettingsState = {
  state: RoutingState | null;
  /** Why the settings could not be loaded (offline, refused), written for the user. */
  loadError: string | null;
  offline: boolean;
  loading: boolean;
  reload: () => void;
  /** Saves on the sync server; resolves to the saved state, rejects with the server's reason. */
  save: (settings: RoutingSettings) => Promise<RoutingState>;
};

/** The brokerage's routing rule, which lives on the sync server (the main process calls it with the session's token). */
export function useRoutingSettings(): RoutingSettingsState {
  const api = useApi();
  const [state, setState] = useState<RoutingState | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [offline, setOffline] = useState(false);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let current = true;
    setLoading(true);
    api.getRoutingSettings().then(
      (next) => {
        if (!current) return;
        setState(next);
        setLoadError(null);
        setOffline(false);
        setLoading(false);
      },
      (cause: unknown) => {
        if (!current) return;
        setLoadError(errorMessage(cause));
        setOffline(errorCode(cause) === 'server_unreachable');
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [api, generation]);

  const save = useCallback(
    async (settings: RoutingSettings) => {
      const saved = await api.saveRoutingSettings(settings);
      setState(saved);
      return saved;
    },
    [api],
  );

  return { state, loadError, offline, loading, reload: useCallback(() => setGeneration((n) => n + 1), []), save };
}
