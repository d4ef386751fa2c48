// Two-factor sign-in end to end on a real server: voluntary setup, codes at sign-in, one-time recovery
// codes, and enrollment forced by a brokerage setting.
import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { brokerages, userCredentials } from '../../db/schema/pg.ts';
import { describeOnBothBackends } from '../testing/backends.ts';
import { createTestUser, useTestServer } from '../testing/test-server.ts';
import { currentTotpCode } from './totp.ts';

describeOnBothBackends('two-factor sign-in', (backend) => {
  const server = useTestServer(backend);
  const login = (email: string, password: string, extra: Record<string, string> = {}) =>
    server.current.post('/v1/auth/login', { email, password, deviceName: 'Laptop', ...extra });

  it('is set up by a signed-in user, then required at sign-in, with one-time recovery codes', async () => {
    const s = server.current;
    const user = await createTestUser(s.db);
    const { body: session } = await login(user.email, user.password);

    const setup = await s.post('/v1/auth/totp/setup', undefined, session.accessToken);
    expect(setup.status).toBe(200);
    expect(setup.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/ROI%20Desk:/);
    expect((await s.post('/v1/auth/totp/enable', { code: '000000' }, session.accessToken)).status).toBe(400);
    const enabled = await s.post('/v1/auth/totp/enable', { code: currentTotpCode(setup.body.secret, user.email, new Date()) }, session.accessToken);
    expect(enabled.status).toBe(200);
    expect(enabled.body.recoveryCodes).toHaveLength(10);

    const noCode = await login(user.email, user.password);
    expect(noCode).toMatchObject({ status: 401, body: { error: { code: 'totp_required' } } });
    expect((await login(user.email, user.password, { totpCode: '123456' })).body.error.code).toBe('invalid_totp');
    const withCode = await login(user.email, user.password, { totpCode: currentTotpCode(setup.body.secret, user.email, new Date()) });
    expect(withCode.status).toBe(200);

    const recovery = enabled.body.recoveryCodes[0] as string;
    expect((await login(user.email, user.password, { recoveryCode: recovery })).status).toBe(200);
    expect((await login(user.email, user.password, { recoveryCode: recovery })).body.error.code).toBe('invalid_totp');
    // A wrong password never reveals whether a second factor would be asked for.
    expect((await login(user.email, 'wrong password')).body.error.code).toBe('invalid_credentials');
  });

  it('is enforced per brokerage: enrolment happens at sign-in and the codes are shown once', async () => {
    const s = server.current;
    await s.db.insert(brokerages).values({ id: 'brk-2fa', name: 'Strict Realty', settings: { requireTotp: true } });
    const user = await createTestUser(s.db, { brokerageId: 'brk-2fa' });
    const first = await login(user.email, user.password);
    expect(first).toMatchObject({ status: 401, body: { error: { code: 'totp_enrollment_required', enrollment: { secret: expect.any(String) } } } });
    const secret = first.body.error.enrollment.secret as string;
    expect((await login(user.email, user.password)).body.error.enrollment.secret).toBe(secret); // same key until confirmed
    const enrolled = await login(user.email, user.password, { totpCode: currentTotpCode(secret, user.email, new Date()) });
    expect(enrolled.status).toBe(200);
    expect(enrolled.body.recoveryCodes).toHaveLength(10);
    const [credentials] = await s.db.select().from(userCredentials).where(eq(userCredentials.userId, user.id));
    expect(credentials).toMatchObject({ totpEnabled: true });
    expect(JSON.stringify(credentials)).not.toContain(enrolled.body.recoveryCodes[0]); // only hashes are stored
    const disable = await s.post('/v1/auth/totp/disable', { password: user.password }, enrolled.body.accessToken);
    expect(disable.status).toBe(403);
  });
});
