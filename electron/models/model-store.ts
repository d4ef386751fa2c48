// The models this device scores and values with. It starts from the models shipped with the app and
// follows the server's registry: the active version of each model is downloaded, its sha256 checked,
// written next to the replica, and only then swapped in — a broken download never replaces a model.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const BUNDLED_MODELS_DIR = fileURLToPath(new URL('../../models/', import.meta.url));

const registrySchema = z.object({
  models: z.array(
    z.object({ name: z.string().regex(/^[a-z0-9-]{1,60}$/), version: z.string().regex(/^[A-Za-z0-9._-]{1,80}$/), sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().nonnegative(), metadata: z.record(z.string(), z.unknown()) }),
  ),
});

export type ModelFile = { name: string; version: string; file: string; metadata: Record<string, unknown> };

export type ModelStore = {
  /** The model to use for `name`: the newest verified download, else the one shipped with the app. */
  current(name: string): ModelFile | null;
  /** Checks the server's registry and downloads what changed; returns the names that changed. */
  refresh(serverUrl: string, accessToken: string): Promise<string[]>;
  onChange(listener: (names: string[]) => void): () => void;
};

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export function createModelStore(options: { dir: string; bundledDir?: string; fetch?: typeof fetch }): ModelStore {
  const bundledDir = options.bundledDir ?? BUNDLED_MODELS_DIR;
  const doFetch = options.fetch ?? fetch;
  const indexFile = path.join(options.dir, 'active.json');
  const listeners = new Set<(names: string[]) => void>();
  let active: Record<string, ModelFile> = existsSync(indexFile) ? (JSON.parse(readFileSync(indexFile, 'utf8')) as Record<string, ModelFile>) : {};

  const bundled = (name: string): ModelFile | null => {
    const file = path.join(bundledDir, `${name}.onnx`);
    if (!existsSync(file)) return null;
    const calibration = path.join(bundledDir, `${name}.calibration.json`);
    return { name, version: `bundled-${sha256(readFileSync(file)).slice(0, 12)}`, file, metadata: existsSync(calibration) ? { calibration: JSON.parse(readFileSync(calibration, 'utf8')) } : {} };
  };
  const bundledCache = new Map<string, ModelFile | null>();

  return {
    current(name) {
      const downloaded = active[name];
      if (downloaded && existsSync(downloaded.file)) return downloaded;
      if (!bundledCache.has(name)) bundledCache.set(name, bundled(name));
      return bundledCache.get(name) ?? null;
    },
    async refresh(serverUrl, accessToken) {
      const headers = { authorization: `Bearer ${accessToken}` };
      const response = await doFetch(`${serverUrl}/v1/models`, { headers, signal: AbortSignal.timeout(15_000) });
      if (!response.ok) throw new Error(`The model registry answered HTTP ${response.status}.`);
      const registry = registrySchema.parse(await response.json());
      const changed: string[] = [];
      for (const model of registry.models) {
        const current = this.current(model.name);
        if (current?.version === model.version) continue;
        const download = await doFetch(`${serverUrl}/v1/models/${encodeURIComponent(model.name)}/${encodeURIComponent(model.version)}`, { headers, signal: AbortSignal.timeout(120_000) });
        if (!download.ok) throw new Error(`Downloading model ${model.name} ${model.version} failed with HTTP ${download.status}.`);
        const bytes = Buffer.from(await download.arrayBuffer());
        if (sha256(bytes) !== model.sha256) throw new Error(`Model ${model.name} ${model.version} arrived damaged (sha256 mismatch); keeping the current one.`);
        mkdirSync(path.join(options.dir, model.name), { recursive: true });
        const file = path.join(options.dir, model.name, `${model.version}.onnx`);
        writeFileSync(`${file}.part`, bytes);
        renameSync(`${file}.part`, file);
        active = { ...active, [model.name]: { name: model.name, version: model.version, file, metadata: model.metadata } };
        changed.push(model.name);
      }
      if (changed.length > 0) {
        mkdirSync(options.dir, { recursive: true });
        writeFileSync(`${indexFile}.part`, JSON.stringify(active, null, 2));
        renameSync(`${indexFile}.part`, indexFile);
        for (const listener of listeners) listener(changed);
      }
      return changed;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
