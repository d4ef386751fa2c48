// Against the real OS keychain (libsecret + gnome-keyring in CI; see tests/with-keychain.sh).
import { describe, expect, it } from 'vitest';
import { requireService } from '../../tests/support/required-service.ts';
import { openSecretStore } from './keytar-secret-store.ts';
import { createMemorySecretStore } from './secret-store.ts';

const service = `ROI Desk test ${process.pid}`;
const choice = await openSecretStore(service);
const keychain = requireService('OS keychain', choice.store.kind === 'os-keychain', choice.reason ?? '');

describe.runIf(keychain)('OS keychain secret store', () => {
  it('stores, reads back, replaces and deletes a secret', async () => {
    const { store } = choice;
    expect(store.kind).toBe('os-keychain');
    await store.set('refresh-token:device-1', 'first');
    await store.set('refresh-token:device-1', 'second');
    expect(await store.get('refresh-token:device-1')).toBe('second');
    await store.delete('refresh-token:device-1');
    expect(await store.get('refresh-token:device-1')).toBeNull();
  });

  it('keeps accounts apart and treats deleting a missing secret as done', async () => {
    const { store } = choice;
    await store.set('a', 'secret-a');
    await store.set('b', 'secret-b');
    expect([await store.get('a'), await store.get('b')]).toEqual(['secret-a', 'secret-b']);
    await store.delete('a');
    await store.delete('a');
    expect(await store.get('b')).toBe('secret-b');
    await store.delete('b');
  });
});

describe('memory secret store (no keychain on the machine)', () => {
  it('says it is not persistent and still behaves like a store', async () => {
    const store = createMemorySecretStore();
    expect(store.kind).toBe('memory');
    await store.set('x', 'y');
    expect(await store.get('x')).toBe('y');
    await store.delete('x');
    expect(await store.get('x')).toBeNull();
  });
});
