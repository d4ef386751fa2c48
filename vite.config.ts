// Builds the React renderer (renderer/) into dist/renderer, loaded by Electron from app:// and served
// over http by the browser-mode host. Relative asset URLs (base './') make one build work under both.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { buildContentSecurityPolicy } from './electron/security/content-security-policy.ts';

const fromRoot = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// The built page's own <meta> policy, enforced alongside the header both shells send. Only added to builds:
// the dev server needs an inline React-refresh preamble and its HMR socket.
const CONTENT_SECURITY_POLICY = buildContentSecurityPolicy(null, 'meta');

const contentSecurityPolicy = (): Plugin => ({
  name: 'roi-desk:content-security-policy',
  apply: 'build',
  transformIndexHtml: () => [
    { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' },
  ],
});

/**
 * Where `vite` (the dev server, for hot reload) forwards the page's /ipc socket: the browser-mode host
 * that `roi start` runs (ROI_APP_PORT, default 7310). The host accepts sockets only from its own
 * loopback origin, so the proxy presents that origin; the dev server itself listens on localhost only.
 */
const DEV_HOST_URL = process.env['ROI_DEV_HOST_URL'] ?? `http://127.0.0.1:${process.env['ROI_APP_PORT'] ?? '7310'}`;

export default defineConfig({
  root: fromRoot('./renderer'),
  base: './',
  plugins: [react(), contentSecurityPolicy()],
  build: {
    outDir: fromRoot('./dist/renderer'),
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Libraries in their own chunks: they change less often than the app, and no chunk nears the
        // 500 kB warning. Everything is loaded at start either way (local files, no lazy routes yet).
        codeSplitting: {
          groups: [
            { name: 'react', test: /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'mantine', test: /[\\/]node_modules[\\/](@mantine|@floating-ui)[\\/]/ },
            { name: 'vendor', test: /[\\/]node_modules[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: { '/ipc': { target: DEV_HOST_URL, ws: true, rewriteWsOrigin: true } },
  },
});
