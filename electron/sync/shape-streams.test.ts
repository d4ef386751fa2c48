// The shape streams' fetch, against a scripted server whose response bodies arrive when the test says:
// the next page is requested as soon as a page's headers are in (not after its body was read and
// decoded), and pages whose bodies arrive out of order are still stored whole and in order.
import { afterEach, describe, expect, it } from 'vitest';
import { shapeTableInfo } from '../../db/sync/shape-tables.ts';
import type { ShapeChange, ShapeChangePosition } from './shape-changes.ts';
import { startShapeStreams, type ShapeStreams } from './shape-streams.ts';

const columns = shapeTableInfo('brokerages').columns.map((column) => ({ name: column.name, type: column.type }));
const schema = JSON.stringify(Object.fromEntries(columns.map((column) => [column.name, { type: column.type }])));

type Page = { offset: string; ids: string[]; upToDate?: boolean; release: () => void; requestedAt: number };

/** A server of three snapshot pages of brokerages; each body is sent only when its page is released. */
function scriptedServer() {
  const pages = new Map<string, Page>();
  const requests: string[] = [];
  const script: Record<string, { next: string; ids: string[]; upToDate?: boolean }> = {
    '-1': { next: '0_1', ids: ['b-1', 'b-2'] },
    '0_1': { next: '0_2', ids: ['b-3', 'b-4'] },
    '0_2': { next: '1_0', ids: ['b-5'], upToDate: true },
  };
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input));
    const offset = url.searchParams.get('offset') ?? '-1';
    requests.push(offset);
    const step = script[offset];
    // Caught up: the live request waits (for a change that never comes) until the stream stops.
    if (!step) return new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('stopped', 'AbortError'))));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    pages.set(offset, { offset, ids: step.ids, release, requestedAt: requests.length, ...(step.upToDate ? { upToDate: true } : {}) });
    const messages = [
      ...step.ids.map((id) => ({ key: `"public"."brokerages"/"${id}"`, value: { id, name: `Realty ${id}`, settings: '{}' }, headers: { operation: 'insert', relation: ['public', 'brokerages'] } })),
      ...(step.upToDate ? [{ headers: { control: 'up-to-date' } }] : []),
    ];
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await released;
        controller.enqueue(new TextEncoder().encode(JSON.stringify(messages)));
        controller.close();
      },
    });
    const headers: Record<string, string> = { 'electric-handle': 'h-1', 'electric-offset': step.next, 'electric-schema': schema, 'content-type': 'application/json' };
    if (step.upToDate) headers['electric-up-to-date'] = '';
    return new Response(body, { status: 200, headers });
  };
  return { fetch, pages, requests };
}

const waitFor = async (check: () => boolean, what: string) => {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('shape streams: pages in flight', () => {
  let streams: ShapeStreams | null = null;
  afterEach(() => streams?.stop());

  const start = (server: ReturnType<typeof scriptedServer>) => {
    const stored: { ids: string[]; position: ShapeChangePosition }[] = [];
    const errors: string[] = [];
    streams = startShapeStreams({
      serverUrl: 'http://sync.test',
      tables: [{ name: 'brokerages', columns, position: { handle: undefined, offset: '-1', upToDate: false } }],
      apply: async (_table, changes: ShapeChange[], position) => {
        // Rows without every column come one by one (`insert`), with their id.
        const ids = changes.flatMap((change) => ('op' in change && change.op === 'insert' ? [change.id] : []));
        stored.push({ ids, position });
        return true;
      },
      accessToken: async () => 'token',
      refreshAccessToken: async () => 'token',
      onError: (_table, error) => errors.push(error.message),
      fetch: server.fetch,
    });
    return { stored, errors };
  };

  it('asks for the next page as soon as a page’s headers arrive, before its body is read', async () => {
    const server = scriptedServer();
    start(server);
    await waitFor(() => server.pages.has('-1'), 'the first request');
    // The first page's body is still held back, yet the client already follows it with the next request.
    await waitFor(() => server.requests.includes('0_1'), 'the second request while the first body is pending');
    expect(server.requests.slice(0, 2)).toEqual(['-1', '0_1']);
  });

  it('stores every page whole and in order when the bodies arrive out of order', async () => {
    const server = scriptedServer();
    const { stored, errors } = start(server);
    await waitFor(() => server.pages.has('0_2'), 'all three pages requested');
    // Bodies arrive last first.
    server.pages.get('0_2')!.release();
    server.pages.get('0_1')!.release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    server.pages.get('-1')!.release();
    await waitFor(() => stored.some((batch) => batch.position.upToDate) || errors.length > 0, 'the stream to catch up');
    expect(errors).toEqual([]);
    expect(stored.flatMap((batch) => batch.ids)).toEqual(['b-1', 'b-2', 'b-3', 'b-4', 'b-5']);
    expect(stored.map((batch) => batch.position.offset)).toEqual(['0_1', '0_2', '1_0']);
  });
});
