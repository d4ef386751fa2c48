// Secrets (refresh tokens, SMTP passwords) live only in the OS keychain. Everything that needs one takes
// this small interface, so tests and machines without a keychain can say so instead of writing to disk.
export type SecretStore = {
  /** 'os-keychain' persists across restarts; 'memory' is lost on exit (no keychain on this machine). */
  readonly kind: 'os-keychain' | 'memory';
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<void>;
};

/** Keeps secrets for this process only. Used when no OS keychain answers: nothing secret touches the disk. */
export function createMemorySecretStore(): SecretStore {
  const secrets = new Map<string, string>();
  return {
    kind: 'memory',
    get: async (account) => secrets.get(account) ?? null,
    set: async (account, secret) => void secrets.set(account, secret),
    delete: async (account) => void secrets.delete(account),
  };
}
