// Ending a worker thread that runs onnxruntime. `worker.terminate()` while a model runs aborts the whole
// process ("terminate called after throwing an instance of 'Napi::Error'", SIGABRT) — in the app that
// is a crash on sign-out or quit while alerts are scored or homes valued. So the thread is asked to stop:
// it finishes the batch in progress, releases its sessions and connections and ends by itself.
// terminate() is only the last resort, for a thread that has not ended after `timeoutMs`.
import type { Worker } from 'node:worker_threads';

export type StopOutcome = 'exited' | 'terminated';

export async function stopWorker(worker: Worker, closeMessage: unknown, timeoutMs: number): Promise<StopOutcome> {
  if (worker.threadId < 0) return 'exited'; // already ended
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.postMessage(closeMessage);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<true>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)));
  const gaveUp = await Promise.race([exited.then(() => false), timedOut]);
  clearTimeout(timer);
  if (!gaveUp) return 'exited';
  await worker.terminate();
  return 'terminated';
}
