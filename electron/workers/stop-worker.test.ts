import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { stopWorker } from './stop-worker.ts';

// Plain threads (no onnxruntime): what is checked here is who ends the thread, and when.
const worker = (onClose: 'exit' | 'ignore') =>
  new Worker(
    `const { parentPort } = require('node:worker_threads');
     parentPort.on('message', (m) => { if (m.type === 'close' && ${JSON.stringify(onClose)} === 'exit') parentPort.close(); });`,
    { eval: true },
  );

describe('stopWorker', () => {
  it('lets a thread that honours the close message end by itself', async () => {
    const thread = worker('exit');
    const codes: number[] = [];
    thread.on('exit', (code) => codes.push(code));
    expect(await stopWorker(thread, { type: 'close' }, 5_000)).toBe('exited');
    expect(codes).toEqual([0]); // terminate() would have made it 1
  });

  it('terminates a thread that has not ended when the time is up', async () => {
    const thread = worker('ignore'); // only the timeout can end it
    const codes: number[] = [];
    thread.on('exit', (code) => codes.push(code));
    expect(await stopWorker(thread, { type: 'close' }, 200)).toBe('terminated');
    expect(codes).toEqual([1]);
  });

  it('answers at once for a thread that has already ended', async () => {
    const thread = worker('exit');
    await stopWorker(thread, { type: 'close' }, 5_000);
    expect(await stopWorker(thread, { type: 'close' }, 5_000)).toBe('exited');
  });
});
