import { useEffect } from 'react';
import { useApi } from '../../shared/api/useApi.ts';
import { navigateTo } from './route.ts';

/** A click on an alert's OS notification opens the inbox on that alert (#/inbox/<alertId>). */
export function OpenAlertEffect() {
  const api = useApi();
  useEffect(() => api.on('openAlert', ({ alertId }) => navigateTo('inbox', alertId)), [api]);
  return null;
}
