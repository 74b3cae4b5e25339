/**
 * Runs a batch of tasks on `units` compute units: unit 0 is the calling thread, units 1.. are
 * worker threads sharing the state through SharedArrayBuffers. Task i always goes to unit
 * i % units; since every task writes only its own outputs, results do not depend on `units`.
 */
import { Worker } from 'node:worker_threads';
import { createRunner, type KernelInit, type Task, type TaskResult, type TaskRunner } from './tasks.js';

interface Pending {
  resolve: (results: TaskResult[]) => void;
  reject: (err: Error) => void;
}

export class Pool {
  private local: TaskRunner | undefined;
  private readonly workers: Worker[] = [];
  private readonly pending: (Pending | undefined)[] = [];
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;

  /**
   * Starts `units - 1` worker threads. Given `init`, they build their runners from it at once; without it they
   * start up (a Node worker takes tens of ms of CPU to boot) and wait for `start(init)`, so that the caller can lay
   * its arrays out meanwhile.
   */
  constructor(init: KernelInit | undefined, units: number) {
    if (init) this.local = createRunner(init);
    for (let u = 1; u < units; u++) {
      const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: init });
      const slot = this.workers.length;
      worker.on('message', (msg: { ok: boolean; results?: TaskResult[]; error?: string }) => {
        const p = this.pending[slot];
        this.pending[slot] = undefined;
        if (!p) return;
        if (msg.ok) p.resolve(msg.results!);
        else p.reject(new Error(`LDA worker failed: ${msg.error}`));
      });
      const fail = (err: Error): void => {
        this.failure ??= err;
        const p = this.pending[slot];
        this.pending[slot] = undefined;
        p?.reject(err);
      };
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (code !== 0) fail(new Error(`LDA worker exited with code ${code}`));
      });
      this.workers.push(worker);
      this.pending.push(undefined);
    }
  }

  /** Hands the kernels' state to a pool made without it (messages are handled in order, so tasks may follow at once). */
  start(init: KernelInit): void {
    if (this.local) throw new Error('LDA: the pool has already started');
    this.local = createRunner(init);
    for (const worker of this.workers) worker.postMessage({ init });
  }

  get units(): number {
    return this.workers.length + 1;
  }

  /** Tasks i % units === 0 run here, after `beforeLocal` (which runs while the workers start on theirs). */
  async run(tasks: Task[], beforeLocal?: () => void): Promise<TaskResult[]> {
    if (this.failure) throw this.failure;
    const units = this.units;
    const results: TaskResult[] = new Array(tasks.length);
    const remote: Promise<void>[] = [];
    for (let u = 1; u < units; u++) {
      const mine: number[] = [];
      for (let i = u; i < tasks.length; i += units) mine.push(i);
      if (mine.length === 0) continue;
      const slot = u - 1;
      remote.push(
        new Promise<TaskResult[]>((resolve, reject) => {
          this.pending[slot] = { resolve, reject };
          this.workers[slot].postMessage(mine.map((i) => tasks[i]));
        }).then((res) => {
          mine.forEach((i, j) => (results[i] = res[j]));
        }),
      );
    }
    let localError: unknown;
    try {
      beforeLocal?.();
      const local = this.local;
      if (!local) throw new Error('LDA: the pool has not started');
      for (let i = 0; i < tasks.length; i += units) results[i] = local(tasks[i]);
    } catch (err) {
      localError = err;
    }
    const settled = await Promise.allSettled(remote);
    if (localError) throw localError;
    for (const s of settled) if (s.status === 'rejected') throw s.reason;
    return results;
  }

  /** Ends the workers (once; later calls wait for the same end). */
  close(): Promise<void> {
    this.closing ??= Promise.all(this.workers.map((w) => w.terminate())).then(() => undefined);
    return this.closing;
  }
}

/** A Float64Array in shared memory when `shared`, else in ordinary memory. */
export function f64(length: number, shared: boolean): Float64Array {
  return shared ? new Float64Array(new SharedArrayBuffer(length * 8)) : new Float64Array(length);
}

export function i32(length: number, shared: boolean): Int32Array {
  return shared ? new Int32Array(new SharedArrayBuffer(length * 4)) : new Int32Array(length);
}

/** The array itself if it can be shared as is, else a shared copy. */
export function shareF64(a: Float64Array, shared: boolean): Float64Array {
  if (!shared || a.buffer instanceof SharedArrayBuffer) return a;
  const c = f64(a.length, true);
  c.set(a);
  return c;
}

export function shareI32(a: Int32Array, shared: boolean): Int32Array {
  if (!shared || a.buffer instanceof SharedArrayBuffer) return a;
  const c = i32(a.length, true);
  c.set(a);
  return c;
}
