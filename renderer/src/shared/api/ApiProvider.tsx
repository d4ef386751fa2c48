import { createContext, type ReactNode } from 'react';
import type { RendererApiClient } from './RendererApiClient.ts';

export const ApiClientContext = createContext<RendererApiClient | null>(null);

export type ApiProviderProps = {
  client: RendererApiClient;
  children: ReactNode;
};

export function ApiProvider({ client, children }: ApiProviderProps) {
  return <ApiClientContext value={client}>{children}</ApiClientContext>;
}
