import { readFileSync } from 'node:fs';

let cached: string | null = null;

/** The app's version from package.json (read once; works from the checkout and from an asar). */
export function readAppVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}
