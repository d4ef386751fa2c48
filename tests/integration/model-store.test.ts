// The app follows the server's model registry: active versions are downloaded, verified and swapped in;
// a damaged download never replaces the model in use; with no server the shipped models are used.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelStore } from '../../electron/models/model-store.ts';
import { createTestDatabase, type TestDatabase } from '../../sync-server/testing/test-databases.ts';
import { createTestUser, startTestServer, type TestServer } from '../../sync-server/testing/test-server.ts';

describe('model store against the registry', () => {
  let database: TestDatabase;
  let server: TestServer;
  let token: string;
  const serverModels = mkdtempSync(path.join(tmpdir(), 'roi-server-models-'));
  const shipped = mkdtempSync(path.join(tmpdir(), 'roi-shipped-models-'));

  beforeAll(async () => {
    writeFileSync(path.join(shipped, 'avm.onnx'), 'shipped avm');
    writeFileSync(path.join(serverModels, 'avm.onnx'), 'server avm v2');
    writeFileSync(path.join(serverModels, 'avm.calibration.json'), '{"z":1.28}');
    database = await createTestDatabase('pglite');
    server = await startTestServer({ kind: 'pglite', createDatabase: async () => database }, { modelsDir: serverModels });
    const user = await createTestUser(server.db);
    token = (await server.post('/v1/auth/login', { email: user.email, password: user.password, deviceName: 'Laptop' })).body.accessToken;
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('uses the shipped model until the registry offers another, then swaps it in and remembers it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'roi-device-models-'));
    const store = createModelStore({ dir, bundledDir: shipped });
    expect(readFileSync(store.current('avm')!.file, 'utf8')).toBe('shipped avm');
    const changes: string[][] = [];
    store.onChange((names) => changes.push(names));
    expect(await store.refresh(server.url, token)).toEqual(['avm']);
    expect(changes).toEqual([['avm']]);
    expect(readFileSync(store.current('avm')!.file, 'utf8')).toBe('server avm v2');
    expect(store.current('avm')!.metadata).toEqual({ calibration: { z: 1.28 } });
    expect(await store.refresh(server.url, token)).toEqual([]); // nothing new
    // A restart (new store on the same folder) keeps the downloaded version.
    expect(readFileSync(createModelStore({ dir, bundledDir: shipped }).current('avm')!.file, 'utf8')).toBe('server avm v2');
  });

  it('keeps the current model when a download arrives damaged', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'roi-device-models-'));
    const corrupting: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input).includes('/v1/models/')) return response;
      return new Response('tampered bytes', { status: 200, headers: response.headers });
    };
    const store = createModelStore({ dir, bundledDir: shipped, fetch: corrupting });
    await expect(store.refresh(server.url, token)).rejects.toThrow(/damaged/);
    expect(readFileSync(store.current('avm')!.file, 'utf8')).toBe('shipped avm');
  });
});
