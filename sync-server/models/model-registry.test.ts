// The registry serves the committed models as their first active versions, byte for byte, to signed-in
// devices, and never overrides a version an admin activated.
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { serverModels } from '../../db/schema/pg.ts';
import { describeOnBothBackends } from '../testing/backends.ts';
import { createTestUser, useTestServer } from '../testing/test-server.ts';
import { registerBundledModels } from './model-registry.ts';

describeOnBothBackends('model registry', (backend) => {
  const server = useTestServer(backend);

  it('registers bundled models once, activates them, and serves their bytes to signed-in devices', async () => {
    const s = server.current;
    const dir = mkdtempSync(path.join(tmpdir(), 'roi-models-'));
    const bytes = Buffer.from('not really onnx, but bytes all the same');
    writeFileSync(path.join(dir, 'avm-test.onnx'), bytes);
    writeFileSync(path.join(dir, 'avm-test.calibration.json'), '{"scale":1.5}');
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(await registerBundledModels(s.db, dir)).toEqual([`avm-test@bundled-${sha.slice(0, 12)}`]);
    expect(await registerBundledModels(s.db, dir)).toEqual([]); // idempotent across restarts

    const user = await createTestUser(s.db);
    const { body: session } = await s.post('/v1/auth/login', { email: user.email, password: user.password, deviceName: 'Laptop' });
    expect((await s.get('/v1/models')).status).toBe(401);
    const listed = await s.get('/v1/models', session.accessToken);
    const model = listed.body.models.find((m: { name: string }) => m.name === 'avm-test');
    expect(model).toMatchObject({ version: `bundled-${sha.slice(0, 12)}`, sha256: sha, size: bytes.length, metadata: { calibration: { scale: 1.5 } } });

    const download = await fetch(`${s.url}/v1/models/avm-test/${model.version}`, { headers: { authorization: `Bearer ${session.accessToken}` } });
    expect(download.headers.get('x-model-sha256')).toBe(sha);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await s.get('/v1/models/avm-test/nope', session.accessToken)).status).toBe(404);

    // An admin rolls forward to another version: restarts keep that choice.
    await s.db.update(serverModels).set({ active: false }).where(eq(serverModels.name, 'avm-test'));
    await s.db.insert(serverModels).values({ id: randomUUID(), name: 'avm-test', version: 'v2', sha256: 'x', size: 1, content: Buffer.from('x'), active: true });
    await registerBundledModels(s.db, dir);
    const active = await s.db.execute(sql`SELECT version FROM server_models WHERE name = 'avm-test' AND active`);
    expect((active as unknown as { rows: { version: string }[] }).rows).toEqual([{ version: 'v2' }]);
  });
});
