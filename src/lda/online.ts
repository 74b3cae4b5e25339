/**
 * Online variational Bayes optimizer (Hoffman, Blei & Bach 2010), as Spark's OnlineLDAOptimizer
 * with α optimised: λ starts from Gamma(100, 1/100) draws, each mini-batch step t does a per-doc
 * E-step, then λ ← (1 − ρ)λ + ρ(η + (D / |batch|)·stats) and a Newton step on α, ρ = (τ0 + t)^−κ.
 *
 * Mini-batch rule (Spot's `1.05 / corpusSize` fraction meant about one document per iteration):
 * here one iteration is one pass over the whole corpus in a seeded random order, cut into
 * consecutive mini-batches of ceil(D / 32) documents — at most 32 λ steps per pass, so every
 * document is seen once per iteration, a pass costs one E-step per document plus at most 32
 * words × K updates of λ, and even the default 20 iterations give hundreds of λ steps (enough for
 * ρ = (1024 + t)^−0.51 to wash out the random initialisation). Tiny corpora (D ≤ 32) get one
 * document per mini-batch.
 *
 * onIteration reports 'perplexity' = exp(−Σ c·log Σ_k exp(E[log θ_dk] + E[log β_kw]) / Σ c) over
 * the pass: an approximation (the data term of the variational bound only), each document being
 * evaluated under the λ of its own mini-batch.
 */
import { metricRead } from './metric.js';
import type { Corpus, LdaModel, LdaParams } from './types.js';
import { Pool, f64, i32, shareF64, shareI32 } from './pool.js';
import { BLOCKS, docBlocks, evenBlocks } from './partition.js';
import { Rng, Stream, seedWords } from './random.js';
import { digamma, trigamma } from './special.js';
import type { EStepResult, OnlineArrays } from './online-kernel.js';
import type { Task } from './tasks.js';
import { wasmKernels, type KernelKind } from './wasm.js';
import { onlineWasmArrays } from './online-wasm.js';

const TAU0 = 1024;
const KAPPA = 0.51;
const GAMMA_SHAPE = 100;
const MAX_BATCHES_PER_PASS = 32;

export function miniBatchSize(numDocs: number): number {
  return Math.max(1, Math.ceil(numDocs / MAX_BATCHES_PER_PASS));
}

export async function fitOnline(corpus: Corpus, params: LdaParams, threads: number, kernel: KernelKind): Promise<LdaModel> {
  const K = params.k;
  const W = corpus.numWords;
  const D = corpus.numDocs;
  const shared = threads > 1;
  const [seedLo, seedHi] = seedWords(params.seed);
  const inWasm = kernel === 'wasm' ? onlineWasmArrays(wasmKernels()!, corpus, K, BLOCKS) : null;
  const a: OnlineArrays = inWasm?.arrays ?? {
    docStart: shareI32(corpus.docStart, shared),
    wordIds: shareI32(corpus.wordIds, shared),
    counts: shareF64(corpus.counts, shared),
    lambda: f64(W * K, shared),
    expElogbeta: f64(W * K, shared),
    topicDigamma: f64(K, shared),
    alpha: f64(K, shared),
    order: i32(D, shared),
    stat: f64(BLOCKS * W * K, shared),
    logphat: f64(BLOCKS * K, shared),
    lambdaSums: f64(BLOCKS * K, shared),
    theta: f64(D * K, shared),
  };
  const lambdaRng = new Rng(seedLo, seedHi, Stream.lambdaInit);
  for (let i = 0; i < W * K; i++) a.lambda[i] = lambdaRng.nextGamma(GAMMA_SHAPE, 1 / GAMMA_SHAPE);
  a.alpha.fill(params.alpha);
  for (let d = 0; d < D; d++) a.order[d] = d;

  const config = { k: K, numWords: W, seedLo, seedHi, blocks: BLOCKS };
  const pool = new Pool({ kind: 'online', arrays: a, config, wasm: inWasm?.init }, threads);
  const wordBounds = evenBlocks(0, W);
  const wordTasks = <T extends Task>(make: (b: number, from: number, to: number) => T): T[] =>
    Array.from({ length: BLOCKS }, (_, b) => make(b, wordBounds[b], wordBounds[b + 1]));

  /** ψ of the topic sums of λ (from lambdaSums, summed in block order), then expElogbeta. */
  const refreshExpElogbeta = async (): Promise<void> => {
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let b = 0; b < BLOCKS; b++) s += a.lambdaSums[b * K + k];
      a.topicDigamma[k] = digamma(s);
    }
    await pool.run(wordTasks((_, from, to) => ({ op: 'expElogbeta', from, to })));
  };

  try {
    await pool.run(wordTasks((wordBlock, from, to) => ({ op: 'sumLambda', wordBlock, from, to })));
    await refreshExpElogbeta();
    const batch = miniBatchSize(D);
    let step = 0;
    for (let iter = 1; iter <= params.maxIterations; iter++) {
      shuffle(a.order, new Rng(seedLo, seedHi, Stream.shuffle, iter));
      // The kernels skip the perplexity's logs on iterations whose metric nobody reads.
      const likelihood = metricRead(params, iter);
      let tokens = 0;
      let logSum = 0;
      for (let from = 0; from < D; from += batch) {
        const to = Math.min(D, from + batch);
        step++;
        const pos = evenBlocks(from, to);
        const tasks: Task[] = [];
        for (let b = 0; b < BLOCKS; b++) tasks.push({ op: 'train', block: b, from: pos[b], to: pos[b + 1], step, likelihood });
        const results = (await pool.run(tasks)) as EStepResult[];
        let docs = 0;
        for (const r of results) {
          docs += r.docs;
          tokens += r.tokens;
          logSum += r.logSum;
        }
        if (docs === 0) continue; // nothing to learn from a batch of empty documents
        const rho = Math.pow(TAU0 + step, -KAPPA);
        const scale = D / (to - from);
        await pool.run(
          wordTasks((wordBlock, wFrom, wTo) => ({ op: 'updateLambda', wordBlock, from: wFrom, to: wTo, rho, eta: params.beta, scale })),
        );
        updateAlpha(a.alpha, a.logphat, docs, rho, K);
        await refreshExpElogbeta();
      }
      params.onIteration?.(iter, params.maxIterations, 'perplexity', likelihood && tokens > 0 ? Math.exp(-logSum / tokens) : NaN);
    }
    const bounds = docBlocks(a.docStart, D);
    const tasks: Task[] = [];
    for (let b = 0; b < BLOCKS; b++) tasks.push({ op: 'theta', block: b, from: bounds[b], to: bounds[b + 1] });
    await pool.run(tasks);
  } finally {
    await pool.close();
  }

  const totals = new Float64Array(K);
  for (let b = 0; b < BLOCKS; b++) for (let k = 0; k < K; k++) totals[k] += a.lambdaSums[b * K + k];
  const phi = new Float64Array(W * K);
  for (let i = 0; i < W * K; i++) phi[i] = a.lambda[i] / totals[i % K];
  const theta = shared || inWasm ? new Float64Array(a.theta) : a.theta;
  return { k: K, numDocs: D, numWords: W, theta, phi, kernel: inWasm ? 'wasm' : 'js' };
}

function shuffle(order: Int32Array, rng: Rng): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}

/**
 * One damped Newton step on α (Spark's updateAlpha; Huang, "Maximum likelihood estimation of
 * Dirichlet distribution parameters", §3.3), from Σ_d E[log θ_d] over the batch's `n` documents.
 * The step is skipped if it would make any α_k non-positive.
 */
function updateAlpha(alpha: Float64Array, logphatBlocks: Float64Array, n: number, rho: number, K: number): void {
  let alphaSum = 0;
  for (let k = 0; k < K; k++) alphaSum += alpha[k];
  const dAlphaSum = digamma(alphaSum);
  const gradf = new Float64Array(K);
  const q = new Float64Array(K);
  let gradOverQ = 0;
  let invQ = 0;
  for (let k = 0; k < K; k++) {
    let logphat = 0;
    for (let b = 0; b < BLOCKS; b++) logphat += logphatBlocks[b * K + k];
    logphat /= n;
    gradf[k] = n * (-(digamma(alpha[k]) - dAlphaSum) + logphat);
    q[k] = -n * trigamma(alpha[k]);
    gradOverQ += gradf[k] / q[k];
    invQ += 1 / q[k];
  }
  const c = n * trigamma(alphaSum);
  const b = gradOverQ / (1 / c + invQ);
  const next = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    next[k] = alpha[k] + rho * (-(gradf[k] - b) / q[k]);
    if (!(next[k] > 0)) return;
  }
  alpha.set(next);
}
