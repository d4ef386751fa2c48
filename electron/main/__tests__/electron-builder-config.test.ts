// electron-builder.yml is read with electron-builder's own loader and validated against its own schema
// (the checks `electron-builder` runs before packaging), so a misspelt or misplaced key fails here, on a
// machine that cannot build installers, rather than at release time.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Configuration } from 'electron-builder';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { DEEP_LINK_SCHEME } from '../deep-links.ts';
import { APP_ID, PRODUCT_NAME } from '../lifecycle.ts';

vi.mock('electron', () => import('./fake-electron.ts'));

type ConfigModule = {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: Configuration | null): Promise<Configuration>;
  validateConfiguration(config: Configuration, debugLogger: { isEnabled: boolean; add(key: string, value: unknown): void }): Promise<void>;
};

// app-builder-lib is electron-builder's engine (installed with it); this is the module its CLI uses.
const builder = createRequire(import.meta.url)('app-builder-lib/out/util/config/config.js') as ConfigModule;
const projectDir = fileURLToPath(new URL('../../../', import.meta.url));

let config: Configuration;
beforeAll(async () => {
  config = await builder.getConfig(projectDir, null, null);
});

const asList = <T>(value: T | T[] | null | undefined): T[] => (value == null ? [] : Array.isArray(value) ? value : [value]);

describe('electron-builder.yml', () => {
  it("passes electron-builder's schema validation", async () => {
    await expect(builder.validateConfiguration(config, { isEnabled: false, add() {} })).resolves.toBeUndefined();
  });

  it('names the app as the shell does', () => {
    expect(config.appId).toBe('com.roidesk.app');
    expect(config.appId).toBe(APP_ID);
    expect(config.productName).toBe(PRODUCT_NAME);
  });

  it('flips the security fuses', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packs the app into asar and unpacks the native modules', () => {
    expect(config.asar).toBe(true);
    const unpacked = asList(config.asarUnpack);
    expect(unpacked).toContain('**/*.node');
    for (const module of ['better-sqlite3', 'keytar', 'onnxruntime-node']) {
      expect(unpacked.some((pattern) => pattern.startsWith(`node_modules/${module}/`))).toBe(true);
    }
  });

  it('packs the build output and package.json, and writes installers elsewhere', () => {
    // The loader normalises `files` to file sets ({ filter: [...] }); flatten them back to patterns.
    const files = asList(config.files).flatMap((entry) => (typeof entry === 'string' ? [entry] : asList(entry.filter)));
    expect(files).toContain('dist/**');
    expect(files).toContain('package.json');
    expect(config.directories?.output).not.toMatch(/^dist\b/);
  });

  it('ships the models and resources beside the app', () => {
    const extra = asList(config.extraResources).filter((entry): entry is Exclude<typeof entry, string> => typeof entry === 'object');
    const models = extra.find((entry) => entry.from === 'models');
    expect(models?.to).toBe('models');
    expect(asList(models?.filter)).toEqual(expect.arrayContaining(['**/*.onnx', '**/*.md']));
    expect(extra.find((entry) => entry.from === 'resources')?.to).toBe('resources');
  });

  it('declares the roidesk:// scheme the deep-link handler expects', () => {
    const schemes = asList(config.protocols).flatMap((protocol) => protocol.schemes);
    expect(schemes).toEqual([DEEP_LINK_SCHEME]);
  });

  it('builds AppImage and deb, dmg, and an NSIS installer', () => {
    const targets = (platform: Configuration['linux'] | Configuration['mac'] | Configuration['win']) =>
      asList(platform?.target).map((target) => (typeof target === 'string' ? target : target.target));
    expect(targets(config.linux)).toEqual(['AppImage', 'deb']);
    expect(targets(config.mac)).toEqual(['dmg']);
    expect(targets(config.win)).toEqual(['nsis']);
  });
});
