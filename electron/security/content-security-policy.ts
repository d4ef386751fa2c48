// The renderer's Content-Security-Policy, one definition for every place it is enforced: the app://
// protocol under Electron (electron/main), the browser-mode host (electron/host) and the built page's own
// <meta> tag (vite.config.ts). Nothing is allowed unless listed. Scripts only from the app itself (no
// inline, no eval); inline styles because Mantine sets style attributes and CSS variables at run time;
// data: for images and fonts because Vite inlines small assets; connect-src adds the sync server origin
// when one is known (the <meta> tag, built before any server is known, allows 'self' only, and the
// stricter of two policies wins). No frames, objects, forms or <base>.
// frame-ancestors is only honoured in a header (browsers ignore it in <meta> and warn).
export function buildContentSecurityPolicy(serverUrl: string | null, delivery: 'header' | 'meta' = 'header'): string {
  let serverOrigin = '';
  if (serverUrl && URL.canParse(serverUrl)) {
    const server = new URL(serverUrl);
    if (server.protocol === 'https:' || server.protocol === 'http:') serverOrigin = ` ${server.origin}`;
  }
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self'${serverOrigin}`,
    "base-uri 'none'",
    "form-action 'none'",
    ...(delivery === 'header' ? ["frame-ancestors 'none'"] : []),
  ].join('; ');
}
