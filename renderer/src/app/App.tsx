import { SessionEffect } from '../features/session/components/SessionEffect.tsx';
import { SessionGate } from '../features/session/components/SessionGate.tsx';
import type { RendererApiClient } from '../shared/api/RendererApiClient.ts';
import { ErrorBoundary } from '../shared/ui/ErrorBoundary.tsx';
import { AppProviders } from './AppProviders.tsx';
import { AppCrashScreen } from './error-boundary/AppCrashScreen.tsx';
import { AppFrame } from './layout/AppFrame.tsx';

export type AppProps = {
  client: RendererApiClient;
  env?: 'default' | 'test';
};

export function App({ client, env }: AppProps) {
  return (
    <AppProviders client={client} env={env}>
      <ErrorBoundary
        fallback={(error) => <AppCrashScreen error={error} />}
        onError={(error, info) => console.error('The window crashed.', error, info.componentStack)}
      >
        <SessionEffect />
        <SessionGate>{(session) => <AppFrame session={session} />}</SessionGate>
      </ErrorBoundary>
    </AppProviders>
  );
}
