// The alert worker's helper thread: reads a rowid range of the events table into columns on its own
// read-only connection while the alert worker reads the rest (./event-reader-worker-client.ts). The
// result goes back on the port it was given; the shared flag wakes the reader, which waits synchronously.
import Database from 'better-sqlite3';
import { type MessagePort, workerData } from 'node:worker_threads';
import { createEventColumns } from './event-columns.ts';
import { createEventRowReader } from './event-rows.ts';
import { ANSWERED, LOADED, type EventRangeRequest, type EventRangeResult, type EventReaderWorkerData } from './event-reader-worker-client.ts';

const { dbFile, port, signal } = workerData as EventReaderWorkerData & { port: MessagePort };
let db: Database.Database;
try {
  db = new Database(dbFile, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.pragma('mmap_size = 4294967296'); // as the alert worker's connection
} catch (error) {
  Atomics.store(signal, LOADED, -1); // the waiting reader reads the range itself at once
  Atomics.notify(signal, ANSWERED);
  throw error;
}
const reader = createEventRowReader(db);
// One read transaction: the counter and the rows are one snapshot.
const readRange = db.transaction((after: number, upTo: number) => {
  const version = reader.changeVersion();
  const columns = createEventColumns();
  const read = reader.readRange(columns, after, upTo);
  return { version, ...read, columns: columns.export() };
});
Atomics.store(signal, LOADED, 1);

port.on('message', (request: EventRangeRequest) => {
  let result: EventRangeResult;
  try {
    result = { id: request.id, ok: true, ...readRange(request.after, request.upTo) };
  } catch (error) {
    result = { id: request.id, ok: false, error: (error as Error).message };
  }
  const transfer = result.ok ? [result.columns.owners.buffer, result.columns.times.buffer, result.columns.codes.buffer, result.columns.detailCodes.buffer] : [];
  port.postMessage(result, transfer as ArrayBuffer[]);
  Atomics.store(signal, ANSWERED, request.id);
  Atomics.notify(signal, ANSWERED);
});
