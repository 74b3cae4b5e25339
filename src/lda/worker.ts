/**
 * Worker thread entry: runs LDA tasks over the shared arrays handed over in workerData, or, for a pool started
 * before its arrays were laid out, in the first message ({ init }).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createRunner, type KernelInit, type Task, type TaskRunner } from './tasks.js';
import { mark } from './trace.js';
mark('worker module loaded');

let run: TaskRunner | undefined = workerData ? createRunner(workerData as KernelInit) : undefined;
// A failure to build the runner from a message is reported with the first tasks (nobody waits on the message).
let initError: unknown;
parentPort!.on('message', (msg: Task[] | { init: KernelInit }) => {
  if (!Array.isArray(msg)) {
    try {
      run = createRunner(msg.init);
    } catch (err) {
      initError = err;
    }
    mark('worker runner made');
    return;
  }
  try {
    if (!run) throw initError ?? new Error("LDA: tasks came before the kernels' state");
    const results = msg.map(run);
    parentPort!.postMessage({ ok: true, results });
  } catch (err) {
    parentPort!.postMessage({ ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) });
  }
});
