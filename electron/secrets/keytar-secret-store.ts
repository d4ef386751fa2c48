// The OS keychain (macOS Keychain, Windows Credential Vault, libsecret on Linux) through keytar.
import type * as KeytarModule from 'keytar';
import { createMemorySecretStore, type SecretStore } from './secret-store.ts';

type Keytar = typeof KeytarModule;

export function createKeytarSecretStore(keytar: Keytar, service: string): SecretStore {
  return {
    kind: 'os-keychain',
    get: (account) => keytar.getPassword(service, account),
    set: (account, secret) => keytar.setPassword(service, account, secret),
    delete: async (account) => void (await keytar.deletePassword(service, account)),
  };
}

export type SecretStoreChoice = { store: SecretStore; reason: string | null };

/**
 * Uses the OS keychain when one answers; otherwise keeps secrets in memory and says why, so the app can
 * tell the user their session will not be remembered (rather than silently writing tokens to disk).
 */
export async function openSecretStore(service: string): Promise<SecretStoreChoice> {
  try {
    // keytar is CommonJS: its functions arrive on `default` under ESM interop.
    const loaded = (await import('keytar')) as unknown as Keytar & { default?: Keytar };
    const keytar = loaded.default ?? loaded;
    // A round-trip proves the keychain is unlocked and reachable (libsecret needs a running secret service).
    const probe = `probe-${process.pid}`;
    await keytar.setPassword(service, probe, 'ok');
    await keytar.deletePassword(service, probe);
    return { store: createKeytarSecretStore(keytar, service), reason: null };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { store: createMemorySecretStore(), reason: `OS keychain unavailable (${why}); sessions will not be remembered.` };
  }
}
