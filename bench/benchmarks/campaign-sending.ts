// Campaign sending throughput: 10,000 personalised messages (segment query, merge context per recipient,
// Markdown → HTML + text, signed tracking links, the two send-log writes through the replica's outbox per
// message) handed to a real SMTP server on loopback through nodemailer's pooled transport. The run lease
// and token endpoints are answered in-process with the server's own signing code (no HTTP round trips:
// one per 200 recipients in the app), so the figure is the device's pipeline.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { sendRun } from '../../electron/campaigns/sending/run-sender.ts';
import type { RunClient } from '../../electron/campaigns/sending/run-client.ts';
import { startLoopbackSmtp } from '../../electron/campaigns/sending/testing/loopback-smtp.ts';
import { openLocalStore } from '../../electron/store/local-store.ts';
import { createReplica } from '../../electron/sync/replica.ts';
import { signToken, urlHash } from '../../sync-server/campaigns/tracking-tokens.ts';
import type { Benchmark } from '../types.ts';

const BODY = `# Hi {{first_name|there}}

Your home at **{{property.address|your address}}** is worth about {{property.estimate|more than you think}} — {{equity}} in equity.

[See the market report](https://example.com/report)

{{agent.name}}, {{brokerage.name}}`;

export const benchmark: Benchmark = {
  name: 'campaign.emails_per_s',
  unit: 'messages/s',
  target: { op: '>=', value: 100 },
  async run(ctx) {
    const count = Math.max(100, Math.round(10_000 * ctx.scale));
    const store = openLocalStore(path.join(ctx.workDir, 'campaign-bench.sqlite'), 'bench-user');
    const smtp = await startLoopbackSmtp({ retain: 'envelope' });
    try {
      const s = store.sqlite;
      s.prepare(`INSERT INTO brokerages (id, name, postal_address) VALUES ('b1', 'Bench Realty', '1 Main St, Seattle, WA 98101')`).run();
      s.prepare(`INSERT INTO campaigns (id, brokerage_id, owner_id, name) VALUES ('cmp-bench', 'b1', 'bench-user', 'Bench')`).run();
      const contact = s.prepare(`INSERT INTO contacts (id, brokerage_id, assigned_agent_id, first_name, last_name, email) VALUES (?, 'b1', 'bench-user', ?, 'Bench', ?)`);
      const property = s.prepare(
        `INSERT INTO properties (id, brokerage_id, contact_id, address, estimate, purchase_date, loan_original, loan_rate, loan_term_years) VALUES (?, 'b1', ?, ?, ?, '2015-06-01', 300000, 4.5, 30)`,
      );
      s.transaction(() => {
        for (let i = 0; i < count; i += 1) {
          const id = `c${String(i).padStart(6, '0')}`;
          contact.run(id, `Name${i}`, `person${i}@example.com`);
          property.run(`p${i}`, id, `${100 + i} Main St`, 500_000 + i * 10);
        }
      })();
      const replica = createReplica(s, { nodeId: 'bench-device', userId: 'bench-user', brokerageId: 'b1' });
      const key = randomBytes(48);
      const base = 'https://sync.example';
      const runs: RunClient = {
        claim: async (runId, campaignId) => ({ runId, campaignId, deviceId: 'bench-device', leaseExpiresAt: new Date(Date.now() + 3_600_000).toISOString(), generation: 1 }),
        renew: async (runId) => ({ runId, campaignId: 'cmp-bench', deviceId: 'bench-device', leaseExpiresAt: new Date(Date.now() + 3_600_000).toISOString(), generation: 1 }),
        release: async () => {},
        links: async (runId, _generation, contactIds, links) => {
          const i = Math.floor(Date.now() / 1000);
          const common = { b: 'b1', m: 'cmp-bench', r: runId, i, x: i + 86_400 };
          return {
            suppressed: {},
            tokens: Object.fromEntries(
              contactIds.map((c) => [
                c,
                {
                  open: `${base}/t/o/${signToken(key, { ...common, k: 'o', c })}.gif`,
                  unsubscribe: `${base}/u/${signToken(key, { ...common, k: 'u', c })}`,
                  clicks: Object.fromEntries(links.map((u) => [u, `${base}/t/c/${signToken(key, { ...common, k: 'c', c, h: urlHash(u) })}?u=${encodeURIComponent(u)}`])),
                },
              ]),
            ),
          };
        },
      };
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true, pool: true, maxConnections: 4, maxMessages: Infinity });
      const t0 = performance.now();
      const result = await sendRun({
        store,
        mutate: (edits) => void replica.mutate(edits),
        campaign: { id: 'cmp-bench', name: 'Bench', subject: 'Hi {{first_name|there}}, your home this {{season}}', body: BODY, segment: {}, ownerId: 'bench-user' },
        runId: 'run-bench',
        sender: { id: 'bench-user', name: 'Bench Agent', email: 'agent@bench.example', brokerageId: 'b1' },
        smtp: { fromEmail: 'agent@bench.example', fromName: 'Bench Agent' },
        transport,
        runs,
      });
      const seconds = (performance.now() - t0) / 1000;
      transport.close();
      if (result.sent !== count || smtp.messages.length !== count) throw new Error(`Expected ${count} messages, sent ${result.sent}, received ${smtp.messages.length}`);
      return { value: Math.round(count / seconds), details: { messages: count, seconds: Number(seconds.toFixed(2)) } };
    } finally {
      await smtp.close();
      store.close();
    }
  },
};
