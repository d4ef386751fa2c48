// The shape worker thread: runs the table's ShapeStreams (./shape-streams.ts) — HTTP, the Electric
// client, decoding rows into the replica's storage form — off the main thread. It has no database: each
// decoded batch goes to the main thread, which stores it in the replica (one SQLite transaction with the
// stream's position, the only writer of that file) and answers when it is stored. Access tokens come
// from the main thread too, which owns the session.
import { parentPort, workerData } from 'node:worker_threads';
import type { ShapeChange, ShapeChangePosition } from './shape-changes.ts';
import { startShapeStreams } from './shape-streams.ts';
import type { MainToWorker, ShapeWorkerData, WorkerToMain } from './shape-worker-messages.ts';

const port = parentPort;
if (!port) throw new Error('shape-worker.ts runs as a worker thread (see shape-sync.ts).');
const input = workerData as ShapeWorkerData;

Atomics.store(input.progress, 2, 1); // loaded: from here on nothing waits for the main thread but tokens

let nextId = 1;
const waiting = new Map<number, (answer: MainToWorker) => void>();
const send = (message: WorkerToMain) => port.postMessage(message);
const ask = (message: (id: number) => WorkerToMain): Promise<MainToWorker> =>
  new Promise((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    send(message(id));
  });

// The access token is kept until the server refuses it (401), so requests never wait for the main thread.
let current: Promise<string> | null = input.accessToken !== undefined ? Promise.resolve(input.accessToken) : null;
const askToken = async (refresh: boolean, failed?: string): Promise<string> => {
  const answer = await ask((id) => ({ type: 'token', id, refresh, ...(failed ? { failed } : {}) }));
  if (answer.type !== 'token' || answer.token === undefined) throw new Error(answer.type === 'token' && answer.error ? answer.error : 'No access token');
  return answer.token;
};
const keep = (token: Promise<string>) => {
  current = token;
  token.catch(() => {
    if (current === token) current = null; // ask again next time
  });
  return token;
};
const accessToken = () => current ?? keep(askToken(false));
// Streams refused at about the same time share one answer; the main thread refreshes only if its session
// still holds the refused token.
let refreshing: { refused: string | undefined; token: Promise<string> } | null = null;
const refreshAccessToken = (refused: string | undefined) => {
  if (refreshing && refreshing.refused === refused) return refreshing.token;
  const token = keep(askToken(true, refused));
  const entry = { refused, token };
  refreshing = entry;
  void token.catch(() => {}).finally(() => {
    if (refreshing === entry) refreshing = null;
  });
  return token;
};

const streams = startShapeStreams({
  serverUrl: input.serverUrl,
  tables: input.tables,
  ...(input.restartDelayMs !== undefined ? { restartDelayMs: input.restartDelayMs } : {}),
  apply: async (table, changes: ShapeChange[], position: ShapeChangePosition) => {
    const answer = await ask((id) => ({ type: 'batch', id, table, changes, position }));
    return answer.type === 'stored' && answer.ok;
  },
  accessToken,
  refreshAccessToken,
  onError: (table, error) => send({ type: 'error', table, message: error.message }),
  onDecoded: (rows) => {
    Atomics.add(input.progress, 0, 1);
    Atomics.add(input.progress, 1, rows);
  },
});

port.on('message', (message: MainToWorker) => {
  if (message.type === 'stop') {
    streams.stop();
    port.close();
    return;
  }
  const resolve = waiting.get(message.id);
  waiting.delete(message.id);
  resolve?.(message);
});
