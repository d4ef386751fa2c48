import { useEffect, useState } from 'react';
import { errorMessage } from './ApiError.ts';
import type { AppInfo } from './ipcContract.ts';
import { useApi } from './useApi.ts';

export type AppInfoResult = { appInfo: AppInfo | null; error: string | null };

/** getAppInfo() once per mount; callers decide how to degrade when it fails (it rarely does). */
export function useAppInfo(): AppInfoResult {
  const api = useApi();
  const [result, setResult] = useState<AppInfoResult>({ appInfo: null, error: null });
  useEffect(() => {
    let current = true;
    api.getAppInfo().then(
      (appInfo) => current && setResult({ appInfo, error: null }),
      (error: unknown) => current && setResult({ appInfo: null, error: errorMessage(error) }),
    );
    return () => {
      current = false;
    };
  }, [api]);
  return result;
}
