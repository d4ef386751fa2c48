// Alert inbox latency on the scale dataset (product target: inbox queries ≤ 10 ms p95 on 50k contacts /
// 20k alerts / 1M events). Each timed sample is one call as the renderer would make it: a page of 50
// for one of a varied set of views (both brokerages; new+viewed with several priority sets; some also
// filtered by type or agent), at depths from the first page to the deepest keyset page.
import { createInboxQueries, type InboxFilters, type InboxQueries } from '../../electron/inbox/inbox-query.ts';
import type { AlertPriority } from '../../db/schema/vocabulary.ts';
import { createRng } from '../prng.ts';
import type { ScaleDataSummary } from '../scale-data.ts';
import { latencyDetails, summarize, timeRuns } from '../stats.ts';
import type { BenchContext, Benchmark } from '../types.ts';

const TIMED_RUNS = 1000;
const WARMUP_RUNS = 200;
/** Pages (1-based) sampled per view, besides its last page. */
const PAGE_DEPTHS = new Set([1, 2, 5, 20, 50]);

const PRIORITY_SETS: readonly (readonly AlertPriority[])[] = [
  ['CRITICAL', 'HIGH'],
  ['HIGH', 'MEDIUM'],
  ['CRITICAL', 'HIGH', 'MEDIUM'],
  ['MEDIUM', 'LOW'],
];

export function inboxViews(summary: ScaleDataSummary): InboxFilters[] {
  const views: InboxFilters[] = [];
  for (const brokerageId of summary.brokerageIds) {
    const agents = summary.agentIdsByBrokerage[brokerageId] ?? [];
    PRIORITY_SETS.forEach((priorities, i) => {
      const base: InboxFilters = { brokerageId, statuses: ['new', 'viewed'], priorities };
      views.push(base);
      if (i % 2 === 0) views.push({ ...base, types: ['sell', 'refinance'] });
      const agent = agents[i % Math.max(1, agents.length)];
      if (agent) views.push({ ...base, assignedAgentId: agent });
    });
  }
  return views;
}

type Request = { filters: InboxFilters; cursor: string | null; page: number };

/** Walks every view once (this is also the warm-up of the statements) and keeps cursors at the sampled depths. */
function buildRequests(inbox: InboxQueries, views: readonly InboxFilters[]): Request[] {
  const requests: Request[] = [];
  for (const filters of views) {
    let cursor: string | null = null;
    let page = 1;
    for (;;) {
      const result = inbox.queryInbox(filters, { cursor });
      if (PAGE_DEPTHS.has(page) || result.nextCursor === null) requests.push({ filters, cursor, page });
      if (result.nextCursor === null) break;
      cursor = result.nextCursor;
      page++;
    }
  }
  return requests;
}

function shuffledOrder(n: number, count: number, seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => rng.int(0, n - 1));
}

function prepare(ctx: BenchContext): { inbox: InboxQueries; views: InboxFilters[] } {
  const { summary } = ctx.dataset();
  return { inbox: createInboxQueries(ctx.replica().db), views: inboxViews(summary) };
}

export const benchmarks: Benchmark[] = [
  {
    name: 'local.inbox_query_p95_ms',
    unit: 'ms',
    target: { op: '<=', value: 10 },
    run(ctx) {
      const { inbox, views } = prepare(ctx);
      const requests = buildRequests(inbox, views);
      const order = shuffledOrder(requests.length, WARMUP_RUNS + TIMED_RUNS, ctx.seed);
      let rows = 0;
      const samples = timeRuns(
        (i) => {
          const request = requests[order[i]!]!;
          rows += inbox.queryInbox(request.filters, { cursor: request.cursor }).rows.length;
        },
        { warmup: WARMUP_RUNS, runs: TIMED_RUNS },
      );
      const summary = summarize(samples);
      return {
        value: summary.p95,
        details: { ...latencyDetails(summary), views: views.length, requests: requests.length, deepest_page: Math.max(...requests.map((r) => r.page)), rows_returned: rows },
      };
    },
  },
  {
    name: 'local.inbox_count_p95_ms',
    unit: 'ms',
    target: { op: '<=', value: 10 },
    run(ctx) {
      const { inbox, views } = prepare(ctx);
      const order = shuffledOrder(views.length, WARMUP_RUNS + TIMED_RUNS, ctx.seed + 1);
      const samples = timeRuns((i) => inbox.countInbox(views[order[i]!]!), { warmup: WARMUP_RUNS, runs: TIMED_RUNS });
      const summary = summarize(samples);
      return { value: summary.p95, details: { ...latencyDetails(summary), views: views.length } };
    },
  },
  {
    // The inbox's narrower filters (contact tag, a text search's contact ids, a creation date range): these
    // read alerts outside the pure index walk, so they are measured on their own.
    name: 'local.inbox_filtered_query_p95_ms',
    unit: 'ms',
    target: { op: '<=', value: 10 },
    run(ctx) {
      const { summary } = ctx.dataset();
      const { sqlite, db } = ctx.replica();
      const inbox = createInboxQueries(db);
      const rng = createRng(ctx.seed + 2);
      const views: InboxFilters[] = [];
      for (const brokerageId of summary.brokerageIds) {
        const base: InboxFilters = { brokerageId, statuses: ['new', 'viewed'] };
        for (const tag of ['vip', 'investor', 'relocation', 'luxury']) views.push({ ...base, contactTag: tag });
        const all = (sqlite.prepare('SELECT id FROM contacts WHERE brokerage_id = ? ORDER BY id').all(brokerageId) as { id: string }[]).map((row) => row.id);
        const ids = Array.from({ length: Math.min(300, all.length) }, () => all[rng.int(0, all.length - 1)]!);
        views.push({ ...base, contactIds: ids }, { brokerageId, contactIds: ids.slice(0, 20) });
        const newest = (sqlite.prepare('SELECT max(created_at) AS at FROM alerts WHERE brokerage_id = ?').get(brokerageId) as { at: string | null }).at;
        if (newest) {
          for (const days of [7, 30]) views.push({ ...base, createdFrom: new Date(Date.parse(newest) - days * 86_400_000).toISOString() });
        }
      }
      const requests: { filters: InboxFilters; cursor: string | null }[] = [];
      for (const filters of views) {
        const first = inbox.queryInbox(filters);
        requests.push({ filters, cursor: null });
        if (first.nextCursor) requests.push({ filters, cursor: first.nextCursor });
      }
      const order = Array.from({ length: WARMUP_RUNS + TIMED_RUNS }, () => rng.int(0, requests.length - 1));
      const samples = timeRuns(
        (i) => {
          const request = requests[order[i]!]!;
          inbox.queryInbox(request.filters, { cursor: request.cursor });
        },
        { warmup: WARMUP_RUNS, runs: TIMED_RUNS },
      );
      const stats = summarize(samples);
      return { value: stats.p95, details: { ...latencyDetails(stats), views: views.length, requests: requests.length } };
    },
  },
];
