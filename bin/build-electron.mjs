#!/usr/bin/env node
// Builds what Electron runs: the main process compiled module-for-module into dist/ (so paths relative to
// each module, like the migrations folder, keep working), the migrations beside it, and the preload
// bundled into one CommonJS file (a sandboxed preload can load neither ES modules nor other files).
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');
const require = createRequire(import.meta.url);

rmSync(path.join(dist, 'electron'), { recursive: true, force: true });
rmSync(path.join(dist, 'db'), { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
cpSync(path.join(root, 'db', 'migrations'), path.join(dist, 'db', 'migrations'), { recursive: true });
await build({
  entryPoints: [path.join(root, 'electron', 'preload', 'index.ts')],
  outfile: path.join(dist, 'electron', 'preload', 'index.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  external: ['electron'],
  logLevel: 'warning',
});
console.log('Built dist/electron (main + preload) and dist/db/migrations.');
