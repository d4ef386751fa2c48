// The dependency rules of the architecture, checked on every source file (the lint config says the same;
// this test keeps them true even for files lint is not run on):
//   renderer → IPC contract types only; electron → db, models; sync-server → db, models;
//   nothing imports renderer/; only electron/main (and the sandboxed preload) import 'electron'.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SKIP = new Set(['node_modules', 'dist', '.git', '.data', 'coverage']);

type Import = { file: string; specifier: string; target: string | null; typeOnly: boolean };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx|mts|mjs|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const rel = path.relative(ROOT, file);
  return [...text.matchAll(IMPORT)].map((m) => {
    const specifier = (m[2] ?? m[3])!;
    const target = specifier.startsWith('.') ? path.relative(ROOT, path.resolve(path.dirname(file), specifier)) : null;
    return { file: rel, specifier, target, typeOnly: Boolean(m[1]) };
  });
}

const all = sourceFiles(ROOT).flatMap(importsOf);
const under = (p: string | null, dir: string) => p !== null && (p === dir || p.startsWith(`${dir}/`));
const format = (list: Import[]) => list.map((i) => `${i.file} → ${i.specifier}`);

describe('layering', () => {
  it('scans the source tree', () => {
    expect(all.length).toBeGreaterThan(20);
  });

  it("only electron/main and the sandboxed preload import 'electron'", () => {
    const offenders = all.filter((i) => i.specifier === 'electron' && !under(i.file, 'electron/main') && !under(i.file, 'electron/preload'));
    expect(format(offenders)).toEqual([]);
  });

  it('nothing outside renderer/ imports from renderer/', () => {
    const offenders = all.filter((i) => !under(i.file, 'renderer') && under(i.target, 'renderer'));
    expect(format(offenders)).toEqual([]);
  });

  it('the renderer sees only the IPC contract (types) and operation names', () => {
    const allowed = (i: Import) =>
      (i.target === 'electron/ipc/contract.ts' && i.typeOnly) || i.target === 'electron/ipc/operations.ts';
    const offenders = all.filter(
      (i) => under(i.file, 'renderer') && i.target !== null && !under(i.target, 'renderer') && !allowed(i) && !(i.typeOnly && (under(i.target, 'db') || under(i.target, 'models'))),
    );
    expect(format(offenders)).toEqual([]);
  });

  it('the sync server never imports the desktop app, and the desktop app never imports the server', () => {
    const serverToApp = all.filter((i) => under(i.file, 'sync-server') && under(i.target, 'electron') && !(i.typeOnly && under(i.target, 'electron/ipc')));
    const appToServer = all.filter((i) => under(i.file, 'electron') && under(i.target, 'sync-server'));
    expect(format([...serverToApp, ...appToServer])).toEqual([]);
  });

  it('db/ and models/ depend on neither app nor server', () => {
    const offenders = all.filter(
      (i) => (under(i.file, 'db') || under(i.file, 'models')) && (under(i.target, 'electron') || under(i.target, 'sync-server') || under(i.target, 'renderer')),
    );
    expect(format(offenders)).toEqual([]);
  });
});
