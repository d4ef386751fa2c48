// Live sync: how fast one change reaches other devices. Each benchmark has its own throw-away database
// (real Postgres at 127.0.0.1:5432, PGlite only when it is unreachable — noted in the details) and its
// own sync server in a child process, so the server's work does not run on the measuring event loop.
//
//   sync.live_latency_p95_ms   device A edits a contact through the app's sync engine (mutate(): local
//                              commit + outbox + pusher); the time until the new value is in device B's
//                              SQLite (B runs the real engine: ShapeStream live long-poll + replica).
//                              100 sequential edits, p95. Details also give A's server acknowledgement.
//   server.live_fanout_p95_ms  1,000 raw HTTP live long-polls (GET /v1/shape … live=true) on contacts,
//                              from four users of one brokerage; one mutation (POST /v1/mutations) to a
//                              contact all of them may see; for each subscriber the time from
//                              sending the mutation until its response (carrying the change) has arrived.
//                              p95 over all subscribers of all measured rounds; details give each round's
//                              time until the last subscriber had it.
import http from 'node:http';
import { createHlcClock } from '../../db/sync/hlc.ts';
import { rowKey } from '../../db/sync/shape-tables.ts';
import { percentile, summarize } from '../stats.ts';
import { signIn, startDevice, until, type Session } from '../support/sync-clients.ts';
import { seedBrokerage } from '../support/sync-seed.ts';
import { createBenchDatabase, openForSeeding, startServerProcess, withCleanup, type Cleanup, type ServerProcess } from '../support/sync-server-process.ts';
import type { BenchContext, Benchmark } from '../types.ts';

const LATENCY_WARMUP = 5;
const LATENCY_RUNS = 100;
const FANOUT_SUBSCRIBERS = 1_000;
const FANOUT_WARMUP_ROUNDS = 1;
const FANOUT_ROUNDS = 5;

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A throw-away database with one small brokerage and a server process on it. */
async function liveSetup(ctx: BenchContext, cleanup: Cleanup, brokerageId: string, serverOptions: { liveTimeoutMs?: number } = {}) {
  const { database, fallbackNote } = await createBenchDatabase(cleanup, ctx.log);
  const seeder = await openForSeeding(database);
  let seeded;
  try {
    seeded = await seedBrokerage(seeder.db, { brokerageId, contacts: 200, events: 400, managers: 2, agents: 2 });
  } finally {
    await seeder.close();
  }
  const server = await startServerProcess(cleanup, database, serverOptions);
  return { database, fallbackNote, seeded, server };
}

async function measureLiveLatency(ctx: BenchContext) {
  return withCleanup(ctx.log, async (cleanup) => {
    const { database, fallbackNote, seeded, server } = await liveSetup(ctx, cleanup, 'b-bench-live');
    const sessionA = await signIn(server.url, seeded.managers[0]!, 'device A');
    const sessionB = await signIn(server.url, seeded.managers[1]!, 'device B');

    // B: the moment its replica holds the value we wait for (checked after every applied batch).
    let expected: { id: string; phone: string; seen: (at: number) => void } | null = null;
    let ackFor: { mutationId: number; acked: (at: number) => void } | null = null;
    const errors: string[] = [];
    const a = startDevice(cleanup, ctx.workDir, sessionA, {
      onOutboxChanged: () => {
        if (!ackFor) return;
        const entry = a.store.sqlite.prepare('SELECT status FROM local_outbox WHERE id = ?').get(ackFor.mutationId) as { status: string } | undefined;
        if (!entry || entry.status === 'acknowledged') ackFor.acked(performance.now());
      },
      onError: (message) => errors.push(`A: ${message}`),
    });
    const b = startDevice(cleanup, ctx.workDir, sessionB, {
      onTablesChanged: (tables) => {
        if (!expected || !tables.includes('contacts')) return;
        const row = b.store.sqlite.prepare('SELECT phone FROM contacts WHERE id = ?').get(expected.id) as { phone: string | null } | undefined;
        if (row?.phone === expected.phone) expected.seen(performance.now());
      },
      onError: (message) => errors.push(`B: ${message}`),
    });
    await until(() => (a.engine.upToDate() && b.engine.upToDate()) || errors.length > 0, 'both devices to catch up', 60_000);
    if (errors.length > 0) throw new Error(`Sync failed: ${errors.join('; ')}`);

    const endToEnd: number[] = [];
    const toAck: number[] = [];
    const ackToB: number[] = [];
    for (let i = 0; i < LATENCY_WARMUP + LATENCY_RUNS; i++) {
      const id = seeded.contactIds(1 + (i % seeded.contacts));
      const phone = `555-7${String(i).padStart(3, '0')}`;
      let seenAt = 0;
      let ackAt = 0;
      const seen = new Promise<void>((resolve) => {
        expected = { id, phone, seen: (at) => ((seenAt = at), resolve()) };
      });
      const start = performance.now();
      const [mutationId] = a.engine.mutate([{ table: 'contacts', op: 'update', id, changes: { phone } }]);
      const acked = new Promise<void>((resolve) => {
        ackFor = { mutationId: mutationId!, acked: (at) => ((ackAt = at), resolve()) };
      });
      const timeout = sleep(15_000).then(() => 'timeout' as const);
      if ((await Promise.race([Promise.all([seen, acked]), timeout])) === 'timeout') {
        throw new Error(`Edit ${i} (${id} phone ${phone}) did not reach device B within 15 s${errors.length ? `: ${errors.join('; ')}` : ''}`);
      }
      expected = null;
      ackFor = null;
      if (i >= LATENCY_WARMUP) {
        endToEnd.push(seenAt - start);
        toAck.push(ackAt - start);
        ackToB.push(Math.max(0, seenAt - ackAt));
      }
      await sleep(20); // edits a moment apart, as people make them (B's next long-poll is in place)
    }
    const e2e = summarize(endToEnd);
    return {
      value: e2e.p95,
      details: {
        server_database: database.kind,
        ...(fallbackNote ? { note: fallbackNote } : {}),
        measured_from: 'A mutate() (local commit) to the value in B SQLite',
        samples: e2e.n,
        p50_ms: round(e2e.p50),
        p95_ms: round(e2e.p95),
        max_ms: round(e2e.max),
        a_server_ack_p50_ms: round(summarize(toAck).p50),
        a_server_ack_p95_ms: round(summarize(toAck).p95),
        ack_to_b_p95_ms: round(summarize(ackToB).p95),
      },
    };
  });
}

type Subscriber = { status: number; offset: string | undefined; body: string; at: number };

/** One held GET /v1/shape … live=true; resolves when its response has been read whole. */
function subscribe(agent: http.Agent, server: ServerProcess, token: string, position: { handle: string; offset: string }): Promise<Subscriber> {
  const url = new URL(`${server.url}/v1/shape`);
  url.search = new URLSearchParams({ table: 'contacts', handle: position.handle, offset: position.offset, live: 'true' }).toString();
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent, headers: { authorization: `Bearer ${token}` } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const at = performance.now();
        const offset = response.headers['electric-offset'];
        resolve({ status: response.statusCode ?? 0, offset: typeof offset === 'string' ? offset : undefined, body: Buffer.concat(chunks).toString('utf8'), at });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

/** Pages a fresh contacts shape up to date (plain GETs) and returns where a live request starts. */
async function shapePosition(server: ServerProcess, token: string): Promise<{ handle: string; offset: string }> {
  let handle: string | undefined;
  let offset = '-1';
  for (let page = 0; page < 1_000; page++) {
    const params = new URLSearchParams({ table: 'contacts', offset, ...(handle ? { handle } : {}) });
    const response = await fetch(`${server.url}/v1/shape?${params}`, { headers: { authorization: `Bearer ${token}` } });
    await response.text();
    if (response.status !== 200) throw new Error(`GET /v1/shape answered ${response.status}`);
    handle = response.headers.get('electric-handle') ?? handle;
    offset = response.headers.get('electric-offset') ?? offset;
    if (response.headers.has('electric-up-to-date')) return { handle: handle!, offset };
  }
  throw new Error('The contacts shape never came up to date');
}

/** Until the server is idle (every subscriber is parked): its CPU time grows < 3 ms in 100 ms, twice in a row. */
async function serverSettled(server: ServerProcess, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let previous = await server.stats();
  let quiet = 0;
  while (quiet < 2) {
    if (performance.now() > deadline) throw new Error('The server did not settle');
    await sleep(100);
    const next = await server.stats();
    const cpuMs = (next.cpuUserUs + next.cpuSystemUs - previous.cpuUserUs - previous.cpuSystemUs) / 1000;
    quiet = cpuMs < 3 ? quiet + 1 : 0;
    previous = next;
  }
}

async function measureFanout(ctx: BenchContext) {
  const subscribers = Math.max(10, Math.round(FANOUT_SUBSCRIBERS * Math.min(1, ctx.scale)));
  return withCleanup(ctx.log, async (cleanup) => {
    // A long live timeout: arming 1,000 requests must not run into it (it does not affect the latency).
    const { database, fallbackNote, seeded, server } = await liveSetup(ctx, cleanup, 'b-bench-fanout', { liveTimeoutMs: 120_000 });
    // Subscribers spread over four users (two managers, who share a scope, and two agents): three scopes.
    // Every change is to an unassigned contact, which all of them may see.
    const readers: Session[] = [];
    for (const user of [...seeded.managers, ...seeded.agents]) readers.push(await signIn(server.url, user, 'subscribers'));
    const writer: Session = await signIn(server.url, seeded.managers[1]!, 'writer');
    const clock = createHlcClock(writer.deviceId);
    const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
    cleanup.defer('close the subscribers\u2019 sockets', () => agent.destroy());

    const positions = await Promise.all(readers.map((reader) => shapePosition(server, reader.accessToken)));
    const latencies: number[] = [];
    const allReceived: number[] = [];
    const serverWakeCpu: number[] = [];
    for (let r = 0; r < FANOUT_WARMUP_ROUNDS + FANOUT_ROUNDS; r++) {
      const pending = Array.from({ length: subscribers }, (_, i) => subscribe(agent, server, readers[i % readers.length]!.accessToken, positions[i % readers.length]!));
      // Handled here too: when the round fails, cleanup destroys the sockets and these reject unobserved.
      for (const subscriber of pending) subscriber.catch(() => {});
      // Every request is in and parked (authenticated, shape found, waiting for a change).
      const armedBy = performance.now() + 60_000;
      while ((await server.stats()).liveInFlight < subscribers) {
        if (performance.now() > armedBy) throw new Error(`Only ${(await server.stats()).liveInFlight} of ${subscribers} live requests reached the server`);
        await sleep(20);
      }
      await serverSettled(server, 60_000);

      const id = seeded.contactIds(10 * (r + 1)); // unassigned (see seedBrokerage)
      const phone = `555-8${String(r).padStart(3, '0')}`;
      const before = await server.stats();
      const start = performance.now();
      const response = await fetch(`${server.url}/v1/mutations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${writer.accessToken}` },
        body: JSON.stringify({ clientId: writer.deviceId, mutations: [{ id: r + 1, table: 'contacts', op: 'update', pk: id, changes: { phone }, hlc: clock.tick() }] }),
      });
      const answer = (await response.json()) as { results?: { status: string }[] };
      if (!response.ok || answer.results?.[0]?.status !== 'applied') throw new Error(`The mutation was not applied: ${response.status} ${JSON.stringify(answer)}`);
      const results = await Promise.all(pending);
      const after = await server.stats();

      const key = JSON.stringify(rowKey('contacts', id));
      const missed = results.filter((s) => s.status !== 200 || !s.body.includes(key) || !s.body.includes(phone)).length;
      if (missed > 0) throw new Error(`${missed} of ${subscribers} subscribers did not receive the change in their response (round ${r})`);
      readers.forEach((_, u) => {
        const offset = results[u]!.offset;
        if (!offset) throw new Error('A live response had no electric-offset');
        positions[u] = { handle: positions[u]!.handle, offset };
      });
      if (r >= FANOUT_WARMUP_ROUNDS) {
        const round_ = results.map((s) => s.at - start);
        latencies.push(...round_);
        allReceived.push(Math.max(...round_));
        serverWakeCpu.push((after.cpuUserUs + after.cpuSystemUs - before.cpuUserUs - before.cpuSystemUs) / 1000);
      }
    }
    const sorted = [...latencies].sort((x, y) => x - y);
    return {
      value: percentile(sorted, 95),
      details: {
        server_database: database.kind,
        ...(fallbackNote ? { note: fallbackNote } : {}),
        subscribers,
        subscriber_users: '2 managers + 2 agents (3 scopes)',
        rounds: FANOUT_ROUNDS,
        value_is: 'p95 over every subscriber of every round, from sending the mutation to the response read',
        p50_ms: round(percentile(sorted, 50)),
        p95_ms: round(percentile(sorted, 95)),
        max_ms: round(sorted[sorted.length - 1]!),
        all_received_ms_per_round: allReceived.map((x) => Math.round(x)).join(' '),
        server_cpu_ms_per_round: serverWakeCpu.map((x) => Math.round(x)).join(' '),
      },
    };
  });
}

export const benchmarks: Benchmark[] = [
  { name: 'sync.live_latency_p95_ms', unit: 'ms', target: { op: '<=', value: 500 }, run: measureLiveLatency },
  { name: 'server.live_fanout_p95_ms', unit: 'ms', target: { op: '<=', value: 1_000 }, run: measureFanout },
];
