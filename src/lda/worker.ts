/** Worker thread entry: runs LDA tasks over the shared arrays handed over in workerData. */
import { parentPort, workerData } from 'node:worker_threads';
import { createRunner, type KernelInit, type Task } from './tasks.js';

const run = createRunner(workerData as KernelInit);
parentPort!.on('message', (tasks: Task[]) => {
  try {
    parentPort!.postMessage({ ok: true, results: tasks.map(run) });
  } catch (err) {
    parentPort!.postMessage({ ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) });
  }
});
