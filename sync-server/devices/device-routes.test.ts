// Devices are visible and revocable within the caller's reach, never across tenants; a revoked
// device is refused at its next request.
import { expect, it } from 'vitest';
import { brokerages } from '../../db/schema/pg.ts';
import { describeOnBothBackends } from '../testing/backends.ts';
import { createTestUser, useTestServer, type TestUser } from '../testing/test-server.ts';

describeOnBothBackends('devices', (backend) => {
  const server = useTestServer(backend);
  const signIn = async (user: TestUser, deviceName: string) =>
    (await server.current.post('/v1/auth/login', { email: user.email, password: user.password, deviceName })).body as { accessToken: string; deviceId: string };

  it('lists and revokes within reach only, and a revoked device is refused', async () => {
    const s = server.current;
    await s.db.insert(brokerages).values([
      { id: 'dev-a', name: 'A Realty' },
      { id: 'dev-b', name: 'B Realty' },
    ]);
    const manager = await createTestUser(s.db, { role: 'manager', brokerageId: 'dev-a' });
    const agent = await createTestUser(s.db, { role: 'agent', brokerageId: 'dev-a' });
    const colleague = await createTestUser(s.db, { role: 'agent', brokerageId: 'dev-a' });
    const foreignManager = await createTestUser(s.db, { role: 'manager', brokerageId: 'dev-b' });
    const agentLaptop = await signIn(agent, 'Agent laptop');
    const colleagueLaptop = await signIn(colleague, 'Colleague laptop');
    const managerDesk = await signIn(manager, 'Manager desk');
    const foreign = await signIn(foreignManager, 'Foreign desk');

    const own = await s.get('/v1/devices', agentLaptop.accessToken);
    expect(own.status).toBe(200);
    expect(own.body.devices).toEqual([expect.objectContaining({ id: agentLaptop.deviceId, name: 'Agent laptop', current: true, revokedAt: null })]);
    const team = await s.get('/v1/devices', managerDesk.accessToken);
    expect(team.body.devices.map((d: { name: string }) => d.name).sort()).toEqual(['Agent laptop', 'Colleague laptop', 'Manager desk']);
    expect((await s.get('/v1/devices', foreign.accessToken)).body.devices.map((d: { name: string }) => d.name)).toEqual(['Foreign desk']);

    // An agent cannot revoke a colleague's device; another brokerage's manager cannot even see it.
    expect((await s.post(`/v1/devices/${colleagueLaptop.deviceId}/revoke`, undefined, agentLaptop.accessToken)).status).toBe(404);
    expect((await s.post(`/v1/devices/${agentLaptop.deviceId}/revoke`, undefined, foreign.accessToken)).status).toBe(404);
    expect((await s.get('/v1/me', agentLaptop.accessToken)).status).toBe(200);

    expect((await s.post(`/v1/devices/${agentLaptop.deviceId}/revoke`, undefined, managerDesk.accessToken)).status).toBe(204);
    const refused = await s.get('/v1/shape?table=contacts&offset=-1', agentLaptop.accessToken);
    expect(refused).toMatchObject({ status: 401, body: { error: { code: 'device_revoked' } } });
    expect((await s.post('/v1/mutations', { clientId: agentLaptop.deviceId, mutations: [] }, agentLaptop.accessToken)).status).toBe(401);
    expect((await s.post(`/v1/devices/${agentLaptop.deviceId}/revoke`, undefined, managerDesk.accessToken)).status).toBe(204); // idempotent
    expect((await s.get('/v1/me', colleagueLaptop.accessToken)).status).toBe(200);
  });
});
