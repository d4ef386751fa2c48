// Seeding for the sync benchmarks: one brokerage with a manager and a few agents, and N contacts plus M
// events generated inside Postgres (INSERT … SELECT generate_series), so 200k rows take seconds, not
// minutes. Every insert also goes through the change-log triggers, as any write does; that is part of
// seeding and never timed.
import { sql } from 'drizzle-orm';
import { brokerages } from '../../db/schema/pg.ts';
import type { ServerDb } from '../../sync-server/database.ts';
import { createTestUser, type TestUser } from '../../sync-server/testing/test-server.ts';

export type SeededBrokerage = {
  brokerageId: string;
  managers: TestUser[];
  agents: TestUser[];
  contactIds: (i: number) => string;
  contacts: number;
  events: number;
};

export const contactId = (brokerage: string, i: number) => `${brokerage}-c-${String(i).padStart(7, '0')}`;

export async function seedBrokerage(
  db: ServerDb,
  options: { brokerageId: string; contacts: number; events: number; managers?: number; agents?: number },
): Promise<SeededBrokerage> {
  const { brokerageId, contacts, events } = options;
  await db.insert(brokerages).values({ id: brokerageId, name: `Bench ${brokerageId}` });
  const managers: TestUser[] = [];
  for (let i = 0; i < (options.managers ?? 1); i++) managers.push(await createTestUser(db, { role: 'manager', brokerageId }));
  const agents: TestUser[] = [];
  for (let i = 0; i < (options.agents ?? 4); i++) agents.push(await createTestUser(db, { role: 'agent', brokerageId }));
  const agentIds = `{${agents.map((a) => a.id).join(',')}}`;
  const hlc = `${String(Date.now()).padStart(15, '0')}:00000:seed`;

  // Contacts: every tenth unassigned, the others spread over the agents; realistic text in every column.
  if (contacts > 0) {
    await db.execute(sql`
      INSERT INTO contacts (id, brokerage_id, assigned_agent_id, external_id, first_name, last_name, email, phone, stage, tags, source,
                            zipcode, household_size, age_band, hlc, field_hlcs)
      SELECT ${brokerageId} || '-c-' || lpad(g::text, 7, '0'), ${brokerageId},
             CASE WHEN g % 10 = 0 OR cardinality(${agentIds}::text[]) = 0 THEN NULL ELSE (${agentIds}::text[])[1 + g % cardinality(${agentIds}::text[])] END,
             'crm-' || g, (ARRAY['Ana','Ben','Chloe','Dev','Eli','Fay','Gus','Hana'])[1 + g % 8], 'Contact' || g,
             'contact' || g || '@example.test', '555-' || lpad((g % 10000)::text, 4, '0'),
             (ARRAY['lead','prospect','client','past_client'])[1 + g % 4],
             CASE WHEN g % 3 = 0 THEN '["buyer","newsletter"]'::jsonb ELSE '[]'::jsonb END,
             'import', lpad((98000 + g % 200)::text, 5, '0'), 1 + g % 5, (ARRAY['25-34','35-44','45-54','55-64'])[1 + g % 4],
             ${hlc}, jsonb_build_object('phone', ${hlc}::text, 'stage', ${hlc}::text)
      FROM generate_series(1, ${contacts}) g`);
  }
  if (events > 0 && contacts > 0) {
    await db.execute(sql`
      INSERT INTO events (id, brokerage_id, contact_id, type, occurred_at, props, source)
      SELECT ${brokerageId} || '-e-' || lpad(g::text, 8, '0'), ${brokerageId}, ${brokerageId} || '-c-' || lpad((1 + g % ${contacts})::text, 7, '0'),
             (ARRAY['page_view','email_open','listing_view','valuation_request','mortgage_calc'])[1 + g % 5],
             now() - make_interval(mins => g),
             jsonb_build_object('url', '/listings/' || (g % 5000), 'duration_ms', g % 9000, 'referrer', 'newsletter'),
             'api'
      FROM generate_series(1, ${events}) g`);
  }
  await db.execute(sql`ANALYZE`);
  return { brokerageId, managers, agents, contactIds: (i) => contactId(brokerageId, i), contacts, events };
}
