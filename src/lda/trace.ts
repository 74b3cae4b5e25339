/**
 * A timeline of an LDA fit for benchmarks (SPOT_ML_LDA_TRACE=1): each phase's end on stderr as
 * `TRACE <thread> <wall ms since the epoch> <the thread's CPU ms> <phase>`, the thread's CPU read by the native
 * addon (NaN without it). Off, a mark costs one test. bench/lda-timeline.ts turns the lines into a table.
 */
import { isMainThread, threadId } from 'node:worker_threads';
import { nativeEm } from './em-native.js';

const on = process.env.SPOT_ML_LDA_TRACE === '1';

export function mark(phase: string): void {
  if (!on) return;
  const wall = performance.timeOrigin + performance.now();
  const cpu = nativeEm()?.threadCpuMs() ?? NaN;
  process.stderr.write(`TRACE ${isMainThread ? 'main' : `worker${threadId}`} ${wall.toFixed(3)} ${cpu.toFixed(3)} ${phase}\n`);
}
