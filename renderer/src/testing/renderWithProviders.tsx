import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { AppProviders } from '../app/AppProviders.tsx';
import type { RendererApiClient } from '../shared/api/RendererApiClient.ts';

/** Renders inside the app's real providers, with Mantine's transitions and portals off. */
export function renderWithProviders(ui: ReactElement, client: RendererApiClient): RenderResult {
  return render(
    <AppProviders client={client} env="test">
      {ui}
    </AppProviders>,
  );
}
