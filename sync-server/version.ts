// The server reports the app's version (package.json), so the app and the console can tell whether
// they talk to a server of the same release.
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };

export const SERVER_VERSION: string = typeof manifest.version === 'string' ? manifest.version : '0.0.0';
/** The HTTP API generation; bumped only for incompatible changes (paths are prefixed /v1). */
export const API_VERSION = 1;
