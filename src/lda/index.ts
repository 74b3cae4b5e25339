/**
 * LDA topic model of a document × word count corpus (SPEC §7).
 *
 * - `em`: Spark's EMLDAOptimizer semantics (MAP EM, Jacobi updates); needs α > 1 and β > 1.
 * - `online`: online variational Bayes as Spark's OnlineLDAOptimizer with α optimised; one
 *   iteration = one pass over the corpus in seeded random order, in mini-batches of ceil(D / 32)
 *   documents (see online.ts).
 *
 * Deterministic: the same corpus, parameters and seed give bitwise identical models, whatever the
 * number of threads (work is split into fixed blocks reduced in a fixed order, see partition.ts).
 */
import { availableParallelism } from 'node:os';
import type { Corpus, LdaModel, LdaParams } from './types.js';
import { fitEm } from './em.js';
import { fitOnline } from './online.js';
import { BLOCKS } from './partition.js';
import { mark } from './trace.js';
import { Pool } from './pool.js';
import { chooseKernel, requestedKernel, type KernelKind } from './wasm.js';

export type { Corpus, LdaModel, LdaParams, Optimizer } from './types.js';
export { readCorpusTsv } from './corpus-tsv.js';
export { metricOnLastIteration, metricText } from './metric.js';

/** nnz × K above which a second thread pays for its start-up and synchronisation. */
const PARALLEL_WORK = { em: 4_000_000, online: 200_000 } as const;

export async function fitLda(corpus: Corpus, params: LdaParams): Promise<LdaModel> {
  mark('fitLda start');
  validateParams(params);
  // em's worker threads start up now (tens of ms of CPU each), beside the corpus' checks and the kernels' layout;
  // fitEm hands them their state.
  const workers = params.optimizer === 'em' && corpus.docStart instanceof Int32Array ? new Pool(undefined, chooseThreads(corpus, params)) : undefined;
  let threads: number;
  let kernel: KernelKind;
  try {
    validateCorpus(corpus);
    mark('validated');
    threads = chooseThreads(corpus, params);
    kernel = chooseKernel(requestedKernel(params.kernel));
  } catch (err) {
    await workers?.close();
    throw err;
  }
  const model =
    params.optimizer === 'em' ? await fitEm(corpus, params, threads, kernel, workers) : await fitOnline(corpus, params, threads, kernel === 'native' ? 'wasm' : kernel);
  mark('fitLda end');
  if (params.precision === 32) model.theta = Float32Array.from(model.theta);
  return model;
}

/** Threads beyond BLOCKS would have no block to work on, so requests are capped there. */
function chooseThreads(corpus: Corpus, params: LdaParams): number {
  if (params.threads !== undefined) return Math.min(params.threads, BLOCKS);
  const work = corpus.docStart[corpus.numDocs] * params.k;
  if (work < PARALLEL_WORK[params.optimizer]) return 1;
  return Math.max(1, Math.min(BLOCKS, availableParallelism()));
}

export function validateParams(p: LdaParams): void {
  const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
  if (p.optimizer !== 'em' && p.optimizer !== 'online') {
    throw new Error(`LDA: unknown optimizer ${JSON.stringify(p.optimizer)} (expected "em" or "online")`);
  }
  if (!isInt(p.k) || p.k < 1) throw new Error(`LDA: the number of topics must be an integer >= 1, got ${p.k}`);
  if (!isInt(p.maxIterations) || p.maxIterations < 1) {
    throw new Error(`LDA: max iterations must be an integer >= 1, got ${p.maxIterations}`);
  }
  if (typeof p.alpha !== 'number' || !Number.isFinite(p.alpha) || p.alpha <= 0) {
    throw new Error(`LDA: alpha (document concentration) must be a finite number > 0, got ${p.alpha}`);
  }
  if (typeof p.beta !== 'number' || !Number.isFinite(p.beta) || p.beta <= 0) {
    throw new Error(`LDA: beta (topic concentration) must be a finite number > 0, got ${p.beta}`);
  }
  if (p.optimizer === 'em' && (p.alpha <= 1 || p.beta <= 1)) {
    throw new Error(
      `LDA: the em optimizer requires alpha > 1 and beta > 1 (got alpha ${p.alpha}, beta ${p.beta}); ` +
        'use values such as alpha 1.02 and beta 1.001, or the online optimizer for smaller ones',
    );
  }
  if (!Number.isSafeInteger(p.seed)) throw new Error(`LDA: the seed must be an integer, got ${p.seed}`);
  if (p.precision !== 32 && p.precision !== 64) throw new Error(`LDA: precision must be 32 or 64, got ${p.precision}`);
  if (p.threads !== undefined && (!isInt(p.threads) || p.threads < 1)) {
    throw new Error(`LDA: threads must be an integer >= 1, got ${p.threads}`);
  }
}

export function validateCorpus(c: Corpus): void {
  const { numDocs: D, numWords: W, docStart, wordIds, counts } = c;
  if (!Number.isInteger(D) || D < 0 || !Number.isInteger(W) || W < 0) {
    throw new Error(`LDA: invalid corpus size (${D} documents, ${W} words)`);
  }
  if (docStart.length !== D + 1 || docStart[0] !== 0) {
    throw new Error(`LDA: corpus docStart must have numDocs + 1 = ${D + 1} entries starting at 0`);
  }
  const nnz = docStart[D];
  if (wordIds.length < nnz || counts.length < nnz) throw new Error(`LDA: corpus arrays are shorter than nnz = ${nnz}`);
  if (nnz === 0) throw new Error('LDA: the corpus is empty (no word counts)');
  for (let d = 0; d < D; d++) {
    if (docStart[d + 1] < docStart[d]) throw new Error(`LDA: corpus docStart decreases at document ${d}`);
  }
  const w = firstWordOutside(wordIds, nnz, W);
  if (w >= 0) throw new Error(`LDA: corpus entry ${w} has word id ${wordIds[w]} outside [0, ${W})`);
  const n = firstInvalidCount(counts, nnz);
  if (n >= 0) throw new Error(`LDA: corpus entry ${n} has invalid count ${counts[n]}`);
}

// The per-entry checks as two bare loops: V8 keeps them at a few ns per entry, where one loop with both checks
// and their messages inline ran 4-5 times slower from the third fit of a process on (the peer corpus: 85 ms).

/** The first entry whose word id is outside [0, W), or -1. */
function firstWordOutside(wordIds: Int32Array, nnz: number, W: number): number {
  for (let i = 0; i < nnz; i++) {
    const w = wordIds[i];
    if (w < 0 || w >= W) return i;
  }
  return -1;
}

/** The first entry whose count is negative, infinite or NaN, or -1. */
function firstInvalidCount(counts: Float64Array, nnz: number): number {
  for (let i = 0; i < nnz; i++) {
    const n = counts[i];
    if (!(n >= 0 && n < Infinity)) return i;
  }
  return -1;
}
