/**
 * EM optimizer: MAP estimation as Spark's EMLDAOptimizer (SPEC §7). Requires α > 1 and β > 1
 * (checked by the caller).
 */
import type { Corpus, LdaModel, LdaParams } from './types.js';
import { Pool, f64, shareF64, shareI32 } from './pool.js';
import { BLOCKS, docBlocks } from './partition.js';
import { seedWords } from './random.js';
import type { EmArrays } from './em-kernel.js';
import { emWasmArrays, type EmWasmInit } from './em-wasm.js';
import { wasmKernels, type KernelKind } from './wasm.js';
import { metricRead } from './metric.js';
import type { PageRange } from './prefault.js';
import type { KernelInit, Task } from './tasks.js';
import { mark } from './trace.js';

/** `workers`, when given, is a pool of `threads` units made without its state (see fitLda); fitEm starts and closes it. */
export async function fitEm(corpus: Corpus, params: LdaParams, threads: number, kernel: KernelKind, workers?: Pool): Promise<LdaModel> {
  try {
    return await fit(corpus, params, threads, kernel, workers);
  } catch (err) {
    await workers?.close();
    throw err;
  }
}

async function fit(corpus: Corpus, params: LdaParams, threads: number, kernel: KernelKind, workers: Pool | undefined): Promise<LdaModel> {
  mark('fitEm start');
  const K = params.k;
  const W = corpus.numWords;
  const D = corpus.numDocs;
  const shared = threads > 1;
  const bounds = docBlocks(corpus.docStart, D);
  const inWasm = kernel === 'wasm' || kernel === 'native' ? emWasmArrays(wasmKernels()!, corpus, K, bounds, kernel === 'native') : null;
  const wasm: EmWasmInit | undefined = inWasm?.init;
  const arrays: EmArrays | undefined = inWasm
    ? undefined
    : {
        docStart: shareI32(corpus.docStart, shared),
        wordIds: shareI32(corpus.wordIds, shared),
        counts: shareF64(corpus.counts, shared),
        nd: f64(D * K, shared),
        nw: f64(W * K, shared),
        partial: f64(BLOCKS * W * K, shared),
        topicCoef: f64(K, shared),
      };
  mark('arrays laid out');
  const state = inWasm?.state ?? arrays!;
  // Row stride of nd, nw and partial: K, or K rounded up to whole SIMD lanes in the wasm kernel's memory.
  const S = state.nw.length / W;
  const [seedLo, seedHi] = seedWords(params.seed);
  const config = { k: K, numWords: W, alpha: params.alpha, beta: params.beta, seedLo, seedHi };
  const totals = new Float64Array(K);
  // The kernels skip the log-likelihood's logs on iterations whose metric nobody reads.
  const blockTasks = <Op extends 'emInit' | 'emIterate'>(op: Op, likelihood = false) =>
    Array.from({ length: BLOCKS }, (_, block) => ({ op, block, from: bounds[block], to: bounds[block + 1], likelihood }));
  // θ is normalised in place by the kernels, each thread its own documents (even K, where the N_d rows are exactly
  // K wide). With the native kernel the model's θ is then a view of those rows and the rest of the kernels' memory
  // is given back to the OS (no fresh pages to touch for a copy: they cost about 4 ms of CPU per MiB here); the
  // wasm kernel copies it out into an array made here, so that its pages can be touched ahead.
  const thetaInPlace = kernel === 'native' && inWasm !== null && S === K;
  const thetaOut = inWasm && S === K && !thetaInPlace ? (shared ? f64(D * K, true) : new Float64Array(D * K)) : undefined;
  // The tiles of the blocks the workers initialise are written first; the main thread writes its own while
  // the workers start (Pool.run's task i runs on unit i % units, unit 0 being this thread).
  const units = Math.min(threads, BLOCKS);
  const local = (block: number) => block % units === 0;
  mark('θ planned');
  const init: KernelInit = wasm ? { kind: 'em', config, wasm } : { kind: 'em', config, arrays: arrays! };
  const pool = workers ?? new Pool(init, threads);
  if (workers) workers.start(init);
  let done = false;
  try {
    // After its initialisation each thread touches (a fresh page costs about 4 ms of CPU per MiB here) its own
    // documents' θ rows, so that the copy of θ at the end writes into pages already there, then the other threads'
    // N_d rows from their end: the thread done first takes part of the fresh pages off the other one's initialisation
    // (a short-document block has many more rows to touch than a long-document one of the same nonzeros).
    const touch = units > 1 && inWasm !== null;
    const thetaPages = (u: number) => (thetaOut?.buffer instanceof SharedArrayBuffer ? blocksOf(u, units).map((b) => rowPages(thetaOut, bounds[b], bounds[b + 1], K)) : []);
    const otherRows = (u: number) => blocksOf(u, units).length === 0 ? [] : Array.from({ length: BLOCKS }, (_, b) => b).filter((b) => b % units !== u).map((b) => rowPages(state.nd, bounds[b], bounds[b + 1], S));
    const touchTasks = (): Task[] => Array.from({ length: units }, (_, u) => ({ op: 'touch', pages: [...thetaPages(u), ...otherRows(u)] }));
    // The worker starts while this thread writes its tiles.
    mark('pool started');
    for (let b = 0; b < BLOCKS; b++) if (!local(b)) inWasm?.fillBlock(b);
    mark('remote tiles filled');
    await pool.run([...blockTasks('emInit'), ...(touch ? touchTasks() : [])], () => {
      for (let b = 0; b < BLOCKS; b++) if (local(b)) inWasm?.fillBlock(b);
      mark('local tiles filled');
    });
    mark('init done');
    // After each pass: the blocks' partial sums merged into N_w and the next iteration's coefficients formed
    // (the native kernel does both in one call, with the same operations).
    const merge =
      inWasm?.merge ??
      ((beta: number) => {
        sumBlocks(state.partial, state.nw, W * S);
        topicTotals(state.nw, W, K, S, totals);
        for (let k = 0; k < K; k++) state.topicCoef[k] = 1 / (totals[k] + W * (beta - 1));
        if (inWasm) addTo(state.nw, beta - 1, inWasm.state.nwb);
      });
    merge(params.beta);
    mark('merged');
    for (let iter = 1; iter <= params.maxIterations; iter++) {
      const likelihood = metricRead(params, iter);
      const lls = (await pool.run(blockTasks('emIterate', likelihood))) as number[];
      merge(params.beta);
      let ll = likelihood ? 0 : NaN;
      for (const x of lls) ll += x;
      // The likelihood is that of the counts this iteration started from (it is computed in the same pass).
      params.onIteration?.(iter, params.maxIterations, 'logLikelihood', ll);
      mark(`iteration ${iter}${likelihood ? ' (ll)' : ''}`);
    }
    if (thetaOut || thetaInPlace) {
      const out = thetaOut;
      await pool.run(Array.from({ length: BLOCKS }, (_, block) => ({ op: 'emTheta' as const, block, from: bounds[block], to: bounds[block + 1], out })));
    }
    mark('theta done');
    done = true;
  } finally {
    // After a complete fit the workers end beside the caller's next steps (their teardown takes tens of ms of wall
    // time and touches none of the model's memory); after a failure they have ended before it is reported.
    const closed = pool.close();
    if (done) closed.catch(() => {});
    else await closed;
  }
  mark('pool closed');
  const theta = thetaInPlace ? state.nd.subarray(0, D * K) : thetaOut ?? thetaOf(state.nd, D, K, S);

  topicTotals(state.nw, W, K, S, totals);
  const phi = new Float64Array(W * K);
  for (let w = 0; w < W; w++) {
    for (let k = 0; k < K; k++) {
      const t = totals[k];
      phi[w * K + k] = t > 0 ? state.nw[w * S + k] / t : 0;
    }
  }
  mark('phi done');
  if (thetaInPlace) inWasm.keepOnly(state.nd.byteOffset, state.nd.byteOffset + D * K * 8);
  return { k: K, numDocs: D, numWords: W, theta, phi, kernel: inWasm ? kernel : 'js' };
}

/** The blocks unit u runs (Pool.run's task b goes to unit b % units). */
function blocksOf(unit: number, units: number): number[] {
  return Array.from({ length: BLOCKS }, (_, b) => b).filter((b) => b % units === unit);
}

/** The bytes of rows [from, to) of a shared array of rows K wide. */
function rowPages(a: Float64Array, from: number, to: number, K: number): PageRange {
  return { buffer: a.buffer as SharedArrayBuffer, from: a.byteOffset + from * K * 8, to: a.byteOffset + to * K * 8 };
}

/** θ: each N_d row (rows `stride` apart) divided by its sum. */
function thetaOf(nd: Float64Array, D: number, K: number, stride: number): Float64Array {
  const theta = new Float64Array(D * K);
  for (let d = 0; d < D; d++) {
    let sum = 0;
    for (let k = 0; k < K; k++) sum += nd[d * stride + k];
    if (sum > 0) for (let k = 0; k < K; k++) theta[d * K + k] = nd[d * stride + k] / sum;
  }
  return theta;
}

/** Per topic, Σ_w nw[w][k] over rows `stride` apart. */
function topicTotals(nw: Float64Array, W: number, K: number, stride: number, out: Float64Array): void {
  out.fill(0);
  for (let w = 0; w < W; w++) for (let k = 0; k < K; k++) out[k] += nw[w * stride + k];
}

/** out = a + c element-wise (the wasm em kernel reads N_w + β − 1 ready-made). */
function addTo(a: Float64Array, c: number, out: Float64Array): void {
  for (let i = 0; i < a.length; i++) out[i] = a[i] + c;
}

/** out = Σ_b partial[b] in block order. */
function sumBlocks(partial: Float64Array, out: Float64Array, size: number): void {
  out.set(partial.subarray(0, size));
  for (let b = 1; b < BLOCKS; b++) {
    const off = b * size;
    for (let i = 0; i < size; i++) out[i] += partial[off + i];
  }
}
