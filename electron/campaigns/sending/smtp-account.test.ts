// The SMTP account is verified against a real (loopback) mail server before anything is saved; the
// password lives only in the SecretStore, never in the replica.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemorySecretStore } from '../../secrets/secret-store.ts';
import { openLocalStore, type LocalStore } from '../../store/local-store.ts';
import { createSmtpAccount, type SmtpSettings } from './smtp-account.ts';
import { startLoopbackSmtp, type LoopbackSmtp } from './testing/loopback-smtp.ts';

describe('SMTP account', () => {
  let smtp: LoopbackSmtp;
  let store: LocalStore;
  const secrets = createMemorySecretStore();
  beforeAll(async () => {
    smtp = await startLoopbackSmtp({ user: 'avery', password: 's3cret-pass' });
    store = openLocalStore(path.join(mkdtempSync(path.join(tmpdir(), 'roi-smtp-')), 'replica.sqlite'));
  });
  afterAll(async () => {
    store.close();
    await smtp.close();
  });

  it('verifies on save, keeps the password in the secret store only, and refuses what does not work', async () => {
    const account = createSmtpAccount({ store: () => store, userId: () => 'u1', secrets });
    const settings: SmtpSettings = { host: '127.0.0.1', port: smtp.port, security: 'none', user: 'avery', fromName: 'Avery', fromEmail: 'avery@cascade.test', ratePerSecond: 10 };

    await expect(account.save(settings, 'wrong-password')).rejects.toThrow(/refused these settings.*Check the user name and password\. Nothing was saved\./);
    expect((await account.status()).configured).toBe(false);
    await expect(account.save({ ...settings, port: 1 }, 's3cret-pass')).rejects.toThrow(/Check the host, port and security setting/);
    // Unencrypted SMTP only to a relay on this computer.
    await expect(account.save({ ...settings, host: 'smtp.example.com' }, 's3cret-pass')).rejects.toThrow(/only allowed to a mail relay on this computer/);

    const saved = await account.save(settings, 's3cret-pass');
    expect(saved).toMatchObject({ configured: true, hasPassword: true, settings: { host: '127.0.0.1', user: 'avery' } });
    expect(await secrets.get('smtp-password:u1')).toBe('s3cret-pass');
    store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(store.file).includes(Buffer.from('s3cret-pass'))).toBe(false);
    // Saving again without a password keeps the one in the keychain (and still verifies it).
    expect((await account.save({ ...settings, fromName: 'Avery Lee' }, undefined)).settings?.fromName).toBe('Avery Lee');

    const { transport } = await account.transport();
    await transport.sendMail({ from: 'avery@cascade.test', to: 'me@example.com', subject: 'hello', text: 'hi' });
    transport.close();
    expect(smtp.messages.at(-1)?.to).toEqual(['me@example.com']);

    await account.remove();
    expect(await secrets.get('smtp-password:u1')).toBeNull();
    await expect(account.transport()).rejects.toThrow(/Set up your mail account/);
  });
});
