/**
 * The online E-step on WebAssembly SIMD (src/lda/assembly/online.ts): OnlineKernel with trainBlock and
 * thetaBlock and expElogbetaRange run by the wasm kernel over arrays in its shared memory (the other λ
 * updates, element-wise over words, stay in JavaScript over the same arrays). Differs from the JavaScript reference only in the
 * order of the per-entry sums over topics, in ψ's recurrence kept as one fraction and in the last bits
 * of log and exp (AssemblyScript's musl ports against V8's fdlibm ones).
 */
import type { Corpus } from './types.js';
import { BLOCKS } from './partition.js';
import { WasmHeap, corpusIn, instantiate, laneStride, takeCorpus } from './wasm.js';
import { OnlineKernel, type EStepResult, type OnlineArrays, type OnlineConfig } from './online-kernel.js';

interface OnlineExports {
  onlineSetup(
    docStart: number, wordIds: number, counts: number, expElogbeta: number, alpha: number, order: number,
    stat: number, logphat: number, theta: number, k: number, numWords: number, longestDoc: number, seedLo: number, seedHi: number,
  ): void;
  onlineTrain(block: number, posFrom: number, posTo: number, step: number, scratch: number, withLikelihood: boolean): number;
  onlineTheta(docFrom: number, docTo: number, scratch: number): number;
  onlineExpElogbeta(wFrom: number, wTo: number, lambda: number, topicDigamma: number): void;
}

export interface OnlineWasmInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Byte offsets of the arrays the wasm kernel reads or writes, and of block 0's scratch. */
  at: Record<'docStart' | 'wordIds' | 'counts' | 'lambda' | 'expElogbeta' | 'topicDigamma' | 'alpha' | 'order' | 'stat' | 'logphat' | 'theta' | 'scratch', number>;
  longestDoc: number;
}

/** Scratch of one block (see src/lda/assembly/online.ts): γ, exp(E[log θ]), acc; phiNorm, ratio, row addresses; the result. */
function onlineScratchBytes(k: number, longestDoc: number): number {
  return 3 * laneStride(k) * 8 + Math.ceil((longestDoc * 20) / 16) * 16 + 32;
}

function longest(docStart: Int32Array, numDocs: number): number {
  let n = 0;
  for (let d = 0; d < numDocs; d++) n = Math.max(n, docStart[d + 1] - docStart[d]);
  return n;
}

/** Lays the corpus and the online state out in a new shared memory; null when it would pass 4 GiB. */
export function onlineWasmArrays(module: WebAssembly.Module, corpus: Corpus, k: number, blocks: number): { arrays: OnlineArrays; init: OnlineWasmInit } | null {
  const { numDocs: D, numWords: W } = corpus;
  const longestDoc = longest(corpus.docStart, D);
  const heap = new WasmHeap();
  const at = {
    ...takeCorpus(heap, corpus),
    lambda: heap.f64(W * k),
    expElogbeta: heap.f64(W * k),
    topicDigamma: heap.f64(k),
    alpha: heap.f64(k),
    order: heap.i32(D),
    stat: heap.f64(blocks * W * k),
    logphat: heap.f64(blocks * k),
    lambdaSums: heap.f64(blocks * k),
    theta: heap.f64(D * k),
    scratch: heap.f64((BLOCKS * onlineScratchBytes(k, longestDoc)) / 8),
  };
  if (!heap.fits()) return null;
  const memory = heap.memory();
  const buf = memory.buffer;
  const arrays: OnlineArrays = {
    ...corpusIn(buf, at, corpus),
    lambda: new Float64Array(buf, at.lambda, W * k),
    expElogbeta: new Float64Array(buf, at.expElogbeta, W * k),
    topicDigamma: new Float64Array(buf, at.topicDigamma, k),
    alpha: new Float64Array(buf, at.alpha, k),
    order: new Int32Array(buf, at.order, D),
    stat: new Float64Array(buf, at.stat, blocks * W * k),
    logphat: new Float64Array(buf, at.logphat, blocks * k),
    lambdaSums: new Float64Array(buf, at.lambdaSums, blocks * k),
    theta: new Float64Array(buf, at.theta, D * k),
  };
  return { arrays, init: { module, memory, at, longestDoc } };
}

export class OnlineWasmKernel extends OnlineKernel {
  private readonly x: OnlineExports;
  private readonly view: Float64Array;
  private readonly scratchBytes: number;

  constructor(
    a: OnlineArrays,
    cfg0: OnlineConfig,
    private readonly w: OnlineWasmInit,
  ) {
    super(a, cfg0);
    this.x = instantiate<OnlineExports>(w.module, w.memory);
    this.view = new Float64Array(w.memory.buffer);
    this.scratchBytes = onlineScratchBytes(cfg0.k, w.longestDoc);
    const t = w.at;
    this.x.onlineSetup(
      t.docStart, t.wordIds, t.counts, t.expElogbeta, t.alpha, t.order, t.stat, t.logphat, t.theta,
      cfg0.k, cfg0.numWords, w.longestDoc, cfg0.seedLo, cfg0.seedHi,
    );
  }

  override trainBlock(block: number, posFrom: number, posTo: number, step: number, withLikelihood = true): EStepResult {
    return this.result(this.x.onlineTrain(block, posFrom, posTo, step, this.scratch(block), withLikelihood));
  }

  override expElogbetaRange(wFrom: number, wTo: number): void {
    this.x.onlineExpElogbeta(wFrom, wTo, this.w.at.lambda, this.w.at.topicDigamma);
  }

  override thetaBlock(docFrom: number, docTo: number, block = 0): EStepResult {
    return this.result(this.x.onlineTheta(docFrom, docTo, this.scratch(block)));
  }

  private scratch(block: number): number {
    return this.w.at.scratch + block * this.scratchBytes;
  }

  private result(at: number): EStepResult {
    const i = at / 8;
    return { docs: this.view[i], tokens: this.view[i + 1], logSum: this.view[i + 2] };
  }
}
