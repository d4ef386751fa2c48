// A real SMTP server on 127.0.0.1 (the smtp-server package) for tests: it records every message it
// accepts, can answer chosen recipients with temporary (4xx) or permanent (5xx) refusals, and parses
// what arrived (headers, the text and HTML parts) so tests assert on the message a person would get.
import { SMTPServer } from 'smtp-server';

export type ReceivedMessage = {
  from: string;
  to: string[];
  raw: string;
  headers: Map<string, string>;
  text: string;
  html: string;
};

export type RecipientRule = { code: number; message: string; times?: number };

export type LoopbackSmtp = {
  port: number;
  messages: ReceivedMessage[];
  /** Answer RCPT TO for this address with `code` (the first `times` attempts; always when omitted). */
  rule(address: string, rule: RecipientRule): void;
  /** Messages whose X-ROI-Campaign-Run header is runId. */
  ofRun(runId: string): ReceivedMessage[];
  close(): Promise<void>;
};

export async function startLoopbackSmtp(options: { user?: string; password?: string; /** 'envelope': keep only sender and recipients (benchmarks: no parsing, little memory). */ retain?: 'all' | 'envelope' } = {}): Promise<LoopbackSmtp> {
  const messages: ReceivedMessage[] = [];
  const rules = new Map<string, RecipientRule & { seen: number }>();
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: !options.user,
    allowInsecureAuth: true,
    logger: false,
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.password) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      const rule = rules.get(address.address.toLowerCase());
      if (rule && (rule.times === undefined || rule.seen < rule.times)) {
        rule.seen += 1;
        callback(Object.assign(new Error(rule.message), { responseCode: rule.code }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (options.retain !== 'envelope') chunks.push(chunk);
      });
      stream.on('end', () => {
        if (options.retain === 'envelope') {
          messages.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: '', headers: new Map(), text: '', html: '' });
          callback();
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          ...parseMime(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  if (!address || typeof address === 'string') throw new Error('SMTP server did not bind a port');
  return {
    port: address.port,
    messages,
    rule: (mail, rule) => rules.set(mail.toLowerCase(), { ...rule, seen: 0 }),
    ofRun: (runId) => messages.filter((m) => m.headers.get('x-roi-campaign-run') === runId),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.replace(/\r\n[ \t]+/g, ' ').split(/\r\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function decodeBody(body: string, encoding: string | undefined): string {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable': {
      const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    }
    default:
      return body;
  }
}

/** Enough MIME for our messages: top-level headers, then text/plain and text/html parts (nested multiparts walked). */
export function parseMime(raw: string): { headers: Map<string, string>; text: string; html: string } {
  const split = raw.indexOf('\r\n\r\n');
  const headers = parseHeaders(raw.slice(0, split));
  const result = { headers, text: '', html: '' };
  const walk = (partHeaders: Map<string, string>, body: string) => {
    const type = partHeaders.get('content-type') ?? 'text/plain';
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (/^multipart\//i.test(type) && boundary) {
      for (const part of body.split(`--${boundary}`).slice(1)) {
        if (part.startsWith('--')) break;
        const at = part.indexOf('\r\n\r\n');
        walk(parseHeaders(part.slice(0, at).replace(/^\r\n/, '')), part.slice(at + 4).replace(/\r\n$/, ''));
      }
      return;
    }
    const decoded = decodeBody(body, partHeaders.get('content-transfer-encoding'));
    if (/^text\/html/i.test(type)) result.html = decoded;
    else if (/^text\/plain/i.test(type)) result.text = decoded;
  };
  walk(headers, raw.slice(split + 4));
  return result;
}
