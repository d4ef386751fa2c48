// The agent's own SMTP account: host, port, security, user and sender address on this device (local
// settings), the password only in the OS keychain (SecretStore). Verified against the server on save.
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { AppError } from '../../ipc/errors.ts';
import type { SecretStore } from '../../secrets/secret-store.ts';
import type { LocalStore } from '../../store/local-store.ts';
import { smtpSettingsSchema, type SmtpSettings } from './smtp-settings.ts';

export { SMTP_SECURITY, smtpSettingsSchema, type SmtpSettings } from './smtp-settings.ts';

const SETTINGS_KEY = 'campaigns.smtp';
const passwordAccount = (userId: string) => `smtp-password:${userId}`;

export function readSmtpSettings(store: LocalStore): SmtpSettings | null {
  const row = store.sqlite.prepare('SELECT value FROM local_settings WHERE key = ?').get(SETTINGS_KEY) as { value: string } | undefined;
  if (!row) return null;
  const parsed = smtpSettingsSchema.safeParse(JSON.parse(row.value));
  return parsed.success ? parsed.data : null;
}

function writeSmtpSettings(store: LocalStore, settings: SmtpSettings | null): void {
  if (!settings) store.sqlite.prepare('DELETE FROM local_settings WHERE key = ?').run(SETTINGS_KEY);
  else {
    store.sqlite
      .prepare(
        `INSERT INTO local_settings (key, value, updated_at) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(SETTINGS_KEY, JSON.stringify(settings));
  }
}

export type MailTransport = Transporter<SMTPPool.SentMessageInfo, SMTPPool.Options>;

/** A pooled, rate-limited transport for the account. */
export function createMailTransport(settings: SmtpSettings, password: string | null, options: { pool?: boolean } = {}): MailTransport {
  return nodemailer.createTransport({
    pool: options.pool ?? true,
    host: settings.host,
    port: settings.port,
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'none',
    ...(settings.user ? { auth: { user: settings.user, pass: password ?? '' } } : {}),
    maxConnections: 3,
    maxMessages: 500,
    rateDelta: 1000,
    rateLimit: settings.ratePerSecond,
    connectionTimeout: 20_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  } as SMTPPool.Options);
}

export type SmtpAccountStatus = { configured: boolean; settings: SmtpSettings | null; hasPassword: boolean; keychain: SecretStore['kind'] };

export function createSmtpAccount(options: { store: () => LocalStore; userId: () => string; secrets: SecretStore; verify?: (transport: MailTransport) => Promise<unknown> }) {
  const verify = options.verify ?? ((transport: MailTransport) => transport.verify());
  return {
    async status(): Promise<SmtpAccountStatus> {
      const settings = readSmtpSettings(options.store());
      const password = settings?.user ? await options.secrets.get(passwordAccount(options.userId())) : null;
      return { configured: settings !== null, settings, hasPassword: password !== null, keychain: options.secrets.kind };
    },
    /**
     * Checks the account against the mail server (connect, TLS, log in) and only then saves it: settings
     * that do not work are never stored. An omitted password keeps the one in the keychain.
     */
    async save(input: SmtpSettings, password: string | undefined): Promise<SmtpAccountStatus> {
      const settings = smtpSettingsSchema.parse(input);
      const account = passwordAccount(options.userId());
      const effectivePassword = password ?? (settings.user ? await options.secrets.get(account) : null);
      if (settings.user && !effectivePassword) throw new AppError('invalid_input', 'Enter the password of the mail account.');
      const transport = createMailTransport(settings, effectivePassword, { pool: false });
      try {
        await verify(transport);
      } catch (error) {
        const smtp = error as { responseCode?: number; response?: string; message?: string; code?: string };
        const reason = smtp.response ?? smtp.message ?? String(error);
        const hint = smtp.code === 'EAUTH' ? ' Check the user name and password.' : smtp.code === 'ESOCKET' || smtp.code === 'ECONNECTION' ? ' Check the host, port and security setting.' : '';
        throw new AppError('invalid_input', `The mail server refused these settings: ${reason}.${hint} Nothing was saved.`, { cause: error });
      } finally {
        transport.close();
      }
      if (settings.user && password !== undefined) await options.secrets.set(account, password);
      if (!settings.user) await options.secrets.delete(account);
      writeSmtpSettings(options.store(), settings);
      return this.status();
    },
    async remove(): Promise<void> {
      await options.secrets.delete(passwordAccount(options.userId()));
      writeSmtpSettings(options.store(), null);
    },
    /** The saved account's transport (pooled), or a clear error when none is configured. */
    async transport(): Promise<{ settings: SmtpSettings; transport: MailTransport }> {
      const settings = readSmtpSettings(options.store());
      if (!settings) throw new AppError('invalid_input', 'Set up your mail account in Settings → Email sending first.');
      const password = settings.user ? await options.secrets.get(passwordAccount(options.userId())) : null;
      if (settings.user && !password) throw new AppError('invalid_input', 'The mail account’s password is missing from the keychain. Enter it again in Settings → Email sending.');
      return { settings, transport: createMailTransport(settings, password) };
    },
  };
}

export type SmtpAccount = ReturnType<typeof createSmtpAccount>;
