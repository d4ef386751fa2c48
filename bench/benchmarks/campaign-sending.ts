// Campaign sending throughput: 10,000 personalised messages, end to end as the app sends them. A sync
// server in its own process (real Postgres when reachable) holds the brokerage, its contacts with their
// homes, and the campaign; a device signed in as the campaign's owner syncs them into its SQLite replica
// with the real sync engine. The timer covers the run: the lease claim, the segment query, the recipients
// reserved on the server a page at a time (HTTP round trips, with the server signing the tracking links),
// merge context, Markdown → HTML + text, the two send-log writes per message through the outbox (pushed
// to the server while the run goes on), and the handoff to a real SMTP server on loopback through
// nodemailer's pooled transport.
import { sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { createRunClient } from '../../electron/campaigns/sending/run-client.ts';
import { DEFAULT_PAGE_SIZE, sendRun } from '../../electron/campaigns/sending/run-sender.ts';
import { startLoopbackSmtp } from '../../electron/campaigns/sending/testing/loopback-smtp.ts';
import { refreshSession, signIn, startDevice, until } from '../support/sync-clients.ts';
import { seedBrokerage } from '../support/sync-seed.ts';
import { createBenchDatabase, openForSeeding, startServerProcess, withCleanup } from '../support/sync-server-process.ts';
import type { Benchmark } from '../types.ts';

const BROKERAGE = 'b-bench-mail';
const CAMPAIGN = 'cmp-bench';
const BODY = `# Hi {{first_name|there}}

Your home at **{{property.address|your address}}** is worth about {{property.estimate|more than you think}} — {{equity}} in equity.

[See the market report](https://example.com/report)

{{agent.name}}, {{brokerage.name}}`;

export const benchmark: Benchmark = {
  name: 'campaign.emails_per_s',
  unit: 'messages/s',
  target: { op: '>=', value: 100 },
  run: (ctx) =>
    withCleanup(ctx.log, async (cleanup) => {
      const count = Math.max(100, Math.round(10_000 * ctx.scale));
      const { database, fallbackNote } = await createBenchDatabase(cleanup, ctx.log);
      const seeder = await openForSeeding(database);
      let owner;
      try {
        const seeded = await seedBrokerage(seeder.db, { brokerageId: BROKERAGE, contacts: count, events: 0, managers: 1, agents: 0 });
        owner = seeded.managers[0]!;
        await seeder.db.execute(sql`UPDATE brokerages SET postal_address = '1 Main St, Seattle, WA 98101' WHERE id = ${BROKERAGE}`);
        await seeder.db.execute(sql`
          INSERT INTO properties (id, brokerage_id, contact_id, address, estimate, purchase_date, loan_original, loan_rate, loan_term_years)
          SELECT 'p-' || c.id, c.brokerage_id, c.id, (100 + row_number() OVER (ORDER BY c.id)) || ' Main St', 500000 + 10 * row_number() OVER (ORDER BY c.id),
                 '2015-06-01', 300000, 4.5, 30
          FROM contacts c WHERE c.brokerage_id = ${BROKERAGE}`);
        await seeder.db.execute(sql`
          INSERT INTO campaigns (id, brokerage_id, owner_id, name, subject, body)
          VALUES (${CAMPAIGN}, ${BROKERAGE}, ${owner.id}, 'Bench', 'Hi {{first_name|there}}, your home this {{season}}', ${BODY})`);
      } finally {
        await seeder.close();
      }
      const server = await startServerProcess(cleanup, database);
      const session = await signIn(server.url, owner, 'bench laptop');
      const errors: string[] = [];
      const device = startDevice(cleanup, ctx.workDir, session, { onError: (message) => errors.push(message) });
      const synced = () => (device.store.sqlite.prepare(`SELECT count(*) AS n FROM properties`).get() as { n: number }).n === count && device.engine.upToDate();
      await until(() => synced() || errors.length > 0, 'the device to sync the brokerage', 120_000, 50);
      if (errors.length > 0) throw new Error(`Sync failed: ${errors.join('; ')}`);

      const smtp = await startLoopbackSmtp({ retain: 'envelope' });
      cleanup.defer('stop the SMTP server', () => smtp.close());
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true, pool: true, maxConnections: 4, maxMessages: Infinity });
      cleanup.defer('close the mail transport', () => transport.close());
      const t0 = performance.now();
      const result = await sendRun({
        store: device.store,
        mutate: (edits) => void device.engine.mutate(edits),
        campaign: { id: CAMPAIGN, name: 'Bench', subject: 'Hi {{first_name|there}}, your home this {{season}}', body: BODY, segment: {}, ownerId: owner.id },
        runId: 'run-bench',
        sender: { id: owner.id, name: 'Bench Agent', email: owner.email, brokerageId: BROKERAGE },
        smtp: { fromEmail: owner.email, fromName: 'Bench Agent' },
        transport,
        runs: createRunClient({ serverUrl: server.url, accessToken: async () => session.accessToken, refreshAccessToken: () => refreshSession(session) }),
      });
      const seconds = (performance.now() - t0) / 1000;
      if (result.sent !== count || smtp.messages.length !== count) throw new Error(`Expected ${count} messages, sent ${result.sent}, received ${smtp.messages.length}`);
      return {
        value: Math.round(count / seconds),
        details: { messages: count, seconds: Number(seconds.toFixed(2)), recipients_per_reservation: DEFAULT_PAGE_SIZE, server: server.kind, ...(fallbackNote ? { note: fallbackNote } : {}) },
      };
    }),
};
