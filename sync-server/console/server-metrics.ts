// Cheap in-memory counters of one server instance for the console's sync-health page: requests,
// mutations, errors and slow requests per minute (the last hour), what each device last synced, and a
// tail of recent ingestion requests. Nothing here touches the database on the request path; a restart
// starts from zero, and with several instances each reports its own (the page says so).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { and, eq } from 'drizzle-orm';
import { serverIngestKeys, serverWebhookSecrets } from '../../db/schema/pg.ts';
import type { ServerDb } from '../database.ts';
import { hashIngestKey } from '../ingest/ingest-keys.ts';
import type { DeviceActivity, IngestTailEntry, MinuteBucket, SlowRequest } from './console-metrics-wire.ts';

const MINUTES = 60;
const MAX_SLOW = 50;
const MAX_DEVICES = 20_000;
const MAX_TAIL = 200;
const EVENTS_PER_TAIL_ENTRY = 20;

export type ServerMetrics = ReturnType<typeof createServerMetrics>;

export function createServerMetrics(options: { slowRequestMs?: number; now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());
  const slowMs = options.slowRequestMs ?? 1_000;
  const startedAt = now().toISOString();
  const buckets: (MinuteBucket & { minute: number })[] = [];
  const slow: SlowRequest[] = [];
  const devices = new Map<string, DeviceActivity>();
  const tail: IngestTailEntry[] = [];

  const bucket = () => {
    const minute = Math.floor(now().getTime() / 60_000);
    let last = buckets[buckets.length - 1];
    if (!last || last.minute !== minute) {
      last = { minute, at: new Date(minute * 60_000).toISOString(), requests: 0, mutations: 0, errors: 0, slow: 0 };
      buckets.push(last);
      while (buckets.length > MINUTES) buckets.shift();
    }
    return last;
  };
  const device = (id: string) => {
    let entry = devices.get(id);
    if (!entry) {
      if (devices.size >= MAX_DEVICES) devices.delete(devices.keys().next().value!);
      entry = { tables: {}, mutations: 0, lastMutationAt: null, errors: [] };
      devices.set(id, entry);
    }
    return entry;
  };

  return {
    slowRequestMs: slowMs,
    request(info: { method: string; route: string; status: number; ms: number; live: boolean; deviceId: string | null }) {
      const current = bucket();
      current.requests++;
      if (info.status >= 500) current.errors++;
      // Live shape requests wait for changes by design (up to 20 s): slow is not a symptom there.
      if (!info.live && info.ms >= slowMs) {
        current.slow++;
        slow.push({ at: now().toISOString(), method: info.method, route: info.route, status: info.status, ms: Math.round(info.ms) });
        if (slow.length > MAX_SLOW) slow.shift();
      }
      if (info.deviceId && info.status >= 400) {
        const errors = device(info.deviceId).errors;
        errors.push({ at: now().toISOString(), status: info.status, route: info.route });
        if (errors.length > 5) errors.shift();
      }
    },
    mutations(deviceId: string, count: number) {
      bucket().mutations += count;
      const entry = device(deviceId);
      entry.mutations += count;
      entry.lastMutationAt = now().toISOString();
    },
    upToDate(deviceId: string, table: string) {
      device(deviceId).tables[table] = now().toISOString();
    },
    ingest(entry: Omit<IngestTailEntry, 'at'>) {
      tail.push({ at: now().toISOString(), ...entry });
      if (tail.length > MAX_TAIL) tail.shift();
    },
    deviceActivity: (id: string): DeviceActivity | null => devices.get(id) ?? null,
    ingestTail: (brokerageId: string | null, since?: string): IngestTailEntry[] =>
      tail.filter((entry) => (!brokerageId || entry.brokerageId === brokerageId) && (!since || entry.at > since)).slice(-100).reverse(),
    snapshot() {
      bucket();
      const nowMinute = Math.floor(now().getTime() / 60_000);
      // Every minute of the last hour, zeros included, so charts have an even axis.
      const byMinute = new Map(buckets.map((b) => [b.minute, b]));
      const minutes: MinuteBucket[] = [];
      for (let minute = nowMinute - MINUTES + 1; minute <= nowMinute; minute++) {
        const b = byMinute.get(minute);
        minutes.push({ at: new Date(minute * 60_000).toISOString(), requests: b?.requests ?? 0, mutations: b?.mutations ?? 0, errors: b?.errors ?? 0, slow: b?.slow ?? 0 });
      }
      return { startedAt, slowRequestMs: slowMs, minutes, slowRequests: [...slow].reverse() };
    },
  };
}

const INGEST_ROUTES: Record<string, IngestTailEntry['source']> = { '/v1/events': 'api', '/v1/events/csv': 'csv', '/v1/webhooks/events': 'webhook' };

/** Feeds the metrics from every request's completion (after the response is sent: no added latency). */
export function installMetricsHooks(app: FastifyInstance, metrics: ServerMetrics, db: ServerDb): void {
  const ingestPayloads = new WeakMap<FastifyRequest, string>();
  const keyCache = new Map<string, { brokerageId: string; label: string } | null>();

  app.addHook('onSend', async (request, _reply, payload) => {
    if (typeof payload === 'string' && INGEST_ROUTES[request.routeOptions.url ?? ''] && request.method === 'POST') ingestPayloads.set(request, payload);
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? '(unmatched)';
    const query = request.query as Record<string, unknown> | undefined;
    const deviceId = request.auth?.deviceId ?? null;
    metrics.request({ method: request.method, route, status: reply.statusCode, ms: reply.elapsedTime, live: route === '/v1/shape' && query?.live === 'true', deviceId });
    if (route === '/v1/mutations' && reply.statusCode === 200 && deviceId) {
      const list = (request.body as { mutations?: unknown[] } | undefined)?.mutations;
      if (Array.isArray(list)) metrics.mutations(deviceId, list.length);
    }
    if (route === '/v1/shape' && deviceId && reply.getHeader('electric-up-to-date') !== undefined && typeof query?.table === 'string') {
      metrics.upToDate(deviceId, query.table);
    }
    const source = INGEST_ROUTES[route];
    if (source && request.method === 'POST') {
      await recordIngest(request, reply.statusCode, source).catch((error: unknown) => request.log.warn({ err: error }, 'could not record ingestion for the console tail'));
    }
  });

  async function recordIngest(request: FastifyRequest, status: number, source: IngestTailEntry['source']): Promise<void> {
    let result: { accepted?: number; duplicates?: number; rejected?: number; error?: { message?: string } } = {};
    try {
      result = JSON.parse(ingestPayloads.get(request) ?? '{}');
    } catch {
      // Not JSON (should not happen): the tail shows the status alone.
    }
    const owner = await ownerOf(request, source);
    const body = request.body as { events?: { id?: unknown; contactId?: unknown; type?: unknown; occurredAt?: unknown }[] } | undefined;
    const events = Array.isArray(body?.events)
      ? body.events.slice(0, EVENTS_PER_TAIL_ENTRY).map((e) => ({ id: String(e?.id ?? ''), contactId: String(e?.contactId ?? ''), type: String(e?.type ?? ''), occurredAt: String(e?.occurredAt ?? '') }))
      : [];
    metrics.ingest({
      source,
      status,
      brokerageId: owner?.brokerageId ?? null,
      keyLabel: owner?.label ?? null,
      accepted: result.accepted ?? 0,
      duplicates: result.duplicates ?? 0,
      rejected: result.rejected ?? (status >= 400 ? events.length : 0),
      message: result.error?.message ?? null,
      events,
    });
  }

  // Which brokerage (and key) a request came from: a cached indexed lookup, since the route itself does not expose it.
  async function ownerOf(request: FastifyRequest, source: IngestTailEntry['source']) {
    const header = source === 'webhook' ? request.headers['x-roi-webhook-id'] : request.headers['x-api-key'];
    if (typeof header !== 'string' || header === '') return null;
    const cacheKey = `${source === 'webhook' ? 'wh' : 'key'}:${source === 'webhook' ? header.slice(0, 200) : hashIngestKey(header.slice(0, 200))}`;
    if (keyCache.has(cacheKey)) return keyCache.get(cacheKey)!;
    let owner: { brokerageId: string; label: string } | null;
    if (source === 'webhook') {
      const [row] = await db.select({ brokerageId: serverWebhookSecrets.brokerageId }).from(serverWebhookSecrets).where(eq(serverWebhookSecrets.id, header.slice(0, 200)));
      owner = row ? { brokerageId: row.brokerageId, label: `webhook ${header.slice(0, 200)}` } : null;
    } else {
      const [row] = await db
        .select({ brokerageId: serverIngestKeys.brokerageId, label: serverIngestKeys.label })
        .from(serverIngestKeys)
        .where(and(eq(serverIngestKeys.keyHash, hashIngestKey(header.slice(0, 200)))));
      owner = row ? { brokerageId: row.brokerageId, label: row.label || 'API key' } : null;
    }
    if (keyCache.size > 1_000) keyCache.clear();
    keyCache.set(cacheKey, owner);
    return owner;
  }
}
