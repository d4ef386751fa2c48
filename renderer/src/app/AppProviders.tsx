import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import type { ReactNode } from 'react';
import { ApiProvider } from '../shared/api/ApiProvider.tsx';
import type { RendererApiClient } from '../shared/api/RendererApiClient.ts';
import { colorSchemeManager, cssVariablesResolver, theme } from './theme.ts';

export type AppProvidersProps = {
  client: RendererApiClient;
  /** 'test' turns off Mantine's transitions and portals. */
  env?: 'default' | 'test';
  children: ReactNode;
};

export function AppProviders({ client, env = 'default', children }: AppProvidersProps) {
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} colorSchemeManager={colorSchemeManager} defaultColorScheme="auto" env={env}>
      {/* Toasts (undo, errors) for every feature: `notifications.show` from @mantine/notifications. */}
      <Notifications position="bottom-right" limit={4} />
      <ApiProvider client={client}>{children}</ApiProvider>
    </MantineProvider>
  );
}
