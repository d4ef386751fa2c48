// The SMTP account's settings as data (no secrets: the password lives in the OS keychain). Pure zod, so
// the IPC contract (and through it the renderer's types) can use it without loading nodemailer.
import { z } from 'zod';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/i;

export const SMTP_SECURITY = ['tls', 'starttls', 'none'] as const;

export const smtpSettingsSchema = z
  .object({
    host: z
      .string()
      .trim()
      .min(1, 'Enter the mail server’s host name')
      .max(253)
      .regex(/^[A-Za-z0-9.:[\]-]+$/, 'A host name has only letters, digits, dots and dashes'),
    port: z.number().int().min(1).max(65535),
    /** tls: encrypted from the start (usually port 465); starttls: upgraded, required (587); none: loopback only. */
    security: z.enum(SMTP_SECURITY),
    user: z.string().trim().max(254).default(''),
    fromName: z.string().trim().max(100).default(''),
    fromEmail: z.email('Enter the address your emails come from').max(254),
    /** Messages per second the account may send (providers throttle or block faster senders). */
    ratePerSecond: z.number().int().min(1).max(500).default(10),
  })
  .strict()
  .refine((s) => s.security !== 'none' || LOOPBACK.test(s.host), {
    message: 'Unencrypted SMTP is only allowed to a mail relay on this computer (127.0.0.1); choose TLS or STARTTLS.',
    path: ['security'],
  });

export type SmtpSettings = z.output<typeof smtpSettingsSchema>;

