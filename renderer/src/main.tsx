import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import '@mantine/spotlight/styles.css';
import './app/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { createRendererApiClient } from './shared/api/createRendererApiClient.ts';

const container = document.getElementById('root');
if (!container) throw new Error('renderer/index.html must contain <div id="root">.');

createRoot(container).render(
  <StrictMode>
    <App client={createRendererApiClient()} />
  </StrictMode>,
);
