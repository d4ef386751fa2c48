// One ShapeStream (the real @electric-sql/client) per synced table; runs in the shape worker
// (./shape-worker.ts). It fetches, decodes and hands each batch, with the stream's handle and offset, to
// `apply` — the main thread, which writes it to SQLite in one transaction — and waits until the batch is
// stored before the stream moves on (the client prefetches the next pages meanwhile). So the position a
// stream continues from is always the one stored in the replica. A stream that gives up (server down for
// long, a batch that could not be stored) is recreated from the stored position after a pause.
//
// Decoding: the client's own parsing (a JSON.parse reviver visiting every value, then a parser per
// column) cost about four times a plain JSON.parse of the same body (7.6 against 1.9 µs of CPU per row,
// measured on captured pages), and JSON columns were parsed only to be stringified again for SQLite. So
// `decodingFetch`, given to the client as its fetch, reads each response itself, decodes the rows straight
// into the replica's storage form (./shape-changes.ts) and hands the client the same message list with
// each run of consecutive change messages replaced by its first message, whose `value` is a number that
// refers to the decoded run. The client still drives the whole protocol (offsets, handles, live requests,
// 409 must-refetch, backoff, prefetching) and sees every control message in its place; it just no longer
// parses rows it never needed to read.
import { FetchError, ShapeStream, type Message, type Row } from '@electric-sql/client';
import type { ShapeTable } from '../../db/sync/shape-tables.ts';
import { createChangeDecoder, type ShapeChange, type ShapeChangePosition, type WireColumn } from './shape-changes.ts';

export type StreamTable = { name: ShapeTable; columns: WireColumn[]; position: ShapeChangePosition };

export type ShapeStreamsOptions = {
  serverUrl: string;
  tables: readonly StreamTable[];
  /** Stores a batch (one transaction with the position); resolves true once stored, false if it could not be. */
  apply: (table: ShapeTable, changes: ShapeChange[], position: ShapeChangePosition) => Promise<boolean>;
  /** A valid access token, refreshing or signing in again as needed; throws when none can be had. */
  accessToken: () => Promise<string>;
  /** Called after a 401 with the token that was refused: a newer access token (rotating the tokens if need be). */
  refreshAccessToken: (refused: string | undefined) => Promise<string>;
  onError?: (table: ShapeTable, error: Error) => void;
  /** Pause before a stream that stopped is started again. */
  restartDelayMs?: number;
  /** Counts decoded batches and rows (progress that another thread can read without a message). */
  onDecoded?: (rows: number) => void;
  /** The fetch to decode responses from (tests). */
  fetch?: typeof fetch;
};

export type ShapeStreams = { stop(): void };

type Wire = { key?: string; value?: unknown; headers?: { operation?: string; control?: string } };

/** Decoded runs of changes waiting for the client to deliver their messages, by reference number. */
function createPendingRuns() {
  let next = 0;
  const runs = new Map<number, ShapeChange[]>();
  return {
    put(run: ShapeChange[]): number {
      runs.set(next, run);
      return next++;
    },
    /**
     * A run the client delivered. Responses are consumed in the order they were fetched, so runs older
     * than this one belong to prefetched responses the client discarded: dropped.
     */
    take(ref: number): ShapeChange[] {
      for (const older of runs.keys()) {
        if (older >= ref) break;
        runs.delete(older);
      }
      const run = runs.get(ref);
      if (!run) throw new Error(`Shape rows ${ref} were delivered but never decoded`);
      runs.delete(ref);
      return run;
    },
  };
}

/**
 * The client's fetch: decodes rows itself and passes the client references instead (see the header).
 * It answers as soon as the response's headers are in, with a body that follows once decoded: the
 * client's prefetch builds the next page's URL from these headers, so the next request is already on
 * its way while this page is read and decoded (otherwise every page of a table would wait for the
 * previous one's decoding, and the pages of one table are a chain).
 */
function decodingFetch(baseFetch: typeof fetch, columns: readonly WireColumn[], pending: ReturnType<typeof createPendingRuns>, onDecoded?: (rows: number) => void): typeof fetch {
  const decoder = createChangeDecoder(columns);
  const decode = (text: string): string => {
    let messages: Wire[];
    try {
      messages = JSON.parse(text || '[]') as Wire[];
    } catch {
      return text; // not JSON: the client reports it as it would any bad body
    }
    if (!Array.isArray(messages)) return text;
    const out: Wire[] = [];
    let run: ShapeChange[] | null = null;
    let decoded = 0;
    for (const message of messages) {
      const operation = message.headers?.operation;
      if (operation && message.value && typeof message.value === 'object') {
        if (!run) out.push({ ...message, value: pending.put((run = [])) });
        decoder.decode(operation, message.value as Record<string, unknown>, run);
        decoded++;
      } else {
        run = null;
        out.push(message);
      }
    }
    if (decoded > 0) onDecoded?.(decoded);
    return JSON.stringify(out);
  };
  // Pages are decoded one after the other in the order they were requested: the references the client
  // passes on must come out in page order (taking one drops every older one).
  let decodedBefore: Promise<unknown> = Promise.resolve();
  return async (input, init) => {
    const response = await baseFetch(input, init);
    if (response.status !== 200) return response; // errors, 204: the client handles them as they are
    const text = response.text();
    const body = decodedBefore.then(() => text).then(decode);
    // A response the client drops unread (an aborted prefetch) must neither stop the next nor go unhandled.
    decodedBefore = body.catch(() => {});
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    headers.delete('content-encoding');
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          controller.enqueue(new TextEncoder().encode(await body));
          controller.close();
        } catch (error) {
          controller.error(error);
        }
      },
    });
    return new Response(stream, { status: response.status, statusText: response.statusText, headers });
  };
}

export function startShapeStreams(options: ShapeStreamsOptions): ShapeStreams {
  const controllers = new Map<ShapeTable, AbortController>();
  const positions = new Map(options.tables.map((table) => [table.name, table.position]));
  const timers = new Set<NodeJS.Timeout>();
  // A batch handed to the main thread and not yet answered, per table: a restarted stream waits for it,
  // so it starts from the position that answer stores.
  const storing = new Map<ShapeTable, Promise<boolean>>();
  let stopped = false;

  const start = (table: StreamTable) => {
    if (stopped) return;
    const controller = new AbortController();
    controllers.set(table.name, controller);
    const position = positions.get(table.name)!;
    const pending = createPendingRuns();
    let used: string | undefined; // the token this stream last sent
    const stream = new ShapeStream<Row>({
      url: `${options.serverUrl}/v1/shape`,
      params: { table: table.name },
      ...(position.offset !== '-1' && position.handle ? { offset: position.offset as `${number}_${number}`, handle: position.handle } : {}),
      headers: {
        authorization: async () => {
          used = await options.accessToken();
          return `Bearer ${used}`;
        },
      },
      signal: controller.signal,
      fetchClient: decodingFetch(options.fetch ?? fetch, table.columns, pending, options.onDecoded),
      onError: async (error) => {
        if (error instanceof FetchError && error.status === 401) {
          try {
            const token = await options.refreshAccessToken(used);
            return { headers: { authorization: `Bearer ${token}` } };
          } catch (refreshError) {
            options.onError?.(table.name, refreshError as Error);
            return; // the session is over (revoked, signed out): stop this stream
          }
        }
        options.onError?.(table.name, error);
        if (error instanceof FetchError && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429) return;
        return {}; // network trouble: retry (the client backs off)
      },
    });

    stream.subscribe(
      async (messages: Message<Row>[]) => {
        if (stopped || controller.signal.aborted) return;
        let changes: ShapeChange[];
        try {
          changes = [];
          for (const message of messages as Wire[]) {
            if (typeof message.value === 'number') for (const change of pending.take(message.value)) changes.push(change);
            else if (message.headers?.control) changes.push({ control: message.headers.control });
          }
        } catch (error) {
          options.onError?.(table.name, error as Error);
          restartLater(table, controller);
          return;
        }
        const next = { handle: stream.shapeHandle, offset: stream.lastOffset, upToDate: stream.isUpToDate };
        // Waits until the main thread has stored the batch: the next batch must build on a stored position.
        const storingNow = options.apply(table.name, changes, next);
        storing.set(table.name, storingNow);
        const stored = await storingNow;
        if (storing.get(table.name) === storingNow) storing.delete(table.name);
        if (stored) positions.set(table.name, next);
        else restartLater(table, controller); // nothing was stored (the transaction rolled back): resume from the stored position
      },
      () => restartLater(table, controller),
    );
  };

  /** Stops the stream `controller` belongs to and starts the table again later (once, however often asked). */
  const restartLater = (table: StreamTable, controller: AbortController) => {
    if (controllers.get(table.name) !== controller) return; // an older stream of this table: already replaced
    controller.abort();
    controllers.delete(table.name);
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      void (storing.get(table.name) ?? Promise.resolve(true)).then(() => start(table));
    }, options.restartDelayMs ?? 5_000);
    timer.unref();
    timers.add(timer);
  };

  for (const table of options.tables) start(table);

  return {
    stop() {
      stopped = true;
      for (const controller of controllers.values()) controller.abort();
      controllers.clear();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
