// Builds the sync server's web console (sync-server/console/web) into dist/console, served by the sync
// server at /console (sync-server/console/console-routes.ts, with its own Content-Security-Policy header).
// Dev: `npx vite --config vite.console.config.ts` proxies the API to a running server (ROI_SERVER_PORT).
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const fromRoot = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const DEV_SERVER_URL = process.env['ROI_DEV_SERVER_URL'] ?? `http://127.0.0.1:${process.env['ROI_SERVER_PORT'] ?? '7300'}`;

export default defineConfig({
  root: fromRoot('./sync-server/console/web'),
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: fromRoot('./dist/console'),
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'mantine', test: /[\\/]node_modules[\\/](@mantine|@floating-ui)[\\/]/ },
            { name: 'charts', test: /[\\/]node_modules[\\/](chart\.js|react-chartjs-2|@kurkle)[\\/]/ },
            { name: 'vendor', test: /[\\/]node_modules[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: { '/console/api': { target: DEV_SERVER_URL, changeOrigin: false } },
  },
});
