/**
 * The EM kernel on WebAssembly SIMD (src/lda/assembly/em.ts): the same work as EmKernel over arrays in
 * the kernels' shared memory, rows `laneStride(K)` doubles apart. Differs from the JavaScript reference
 * only in the order of the per-entry sums over topics (two f64x2 accumulators), well within 1e-9.
 */
import type { Corpus } from './types.js';
import { BLOCKS } from './partition.js';
import { WasmHeap, corpusIn, instantiate, laneStride, takeCorpus } from './wasm.js';
import type { EmArrays, EmConfig } from './em-kernel.js';

interface EmExports {
  emSetup(
    docStart: number, wordIds: number, counts: number, nd: number, nw: number, nwb: number, partial: number, topicCoef: number,
    k: number, kp: number, numWords: number, alpha: number, beta: number, seedLo: number, seedHi: number,
  ): void;
  emInit(block: number, docFrom: number, docTo: number, scratch: number): void;
  emIterate(block: number, docFrom: number, docTo: number, scratch: number, withLikelihood: boolean): number;
}

/** Where each EmArrays array (and each block's scratch) sits in the kernels' memory. */
export interface EmLayout {
  docStart: number;
  wordIds: number;
  counts: number;
  nd: number;
  nw: number;
  nwb: number;
  partial: number;
  topicCoef: number;
  scratch: number;
}

export interface EmWasmInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  layout: EmLayout;
}

/** Lays the corpus and the EM state out in a new shared memory; null when it would pass 4 GiB. */
export function emWasmArrays(
  module: WebAssembly.Module,
  corpus: Corpus,
  k: number,
): { arrays: EmArrays; nwb: Float64Array; init: EmWasmInit } | null {
  const { numDocs: D, numWords: W } = corpus;
  const kp = laneStride(k);
  const heap = new WasmHeap();
  const layout: EmLayout = {
    ...takeCorpus(heap, corpus),
    nd: heap.f64(D * kp),
    nw: heap.f64(W * kp),
    nwb: heap.f64(W * kp),
    partial: heap.f64(BLOCKS * W * kp),
    topicCoef: heap.f64(kp),
    scratch: heap.f64(BLOCKS * 3 * kp),
  };
  if (!heap.fits()) return null;
  const memory = heap.memory();
  const buf = memory.buffer;
  const arrays: EmArrays = {
    ...corpusIn(buf, layout, corpus),
    nd: new Float64Array(buf, layout.nd, D * kp),
    nw: new Float64Array(buf, layout.nw, W * kp),
    partial: new Float64Array(buf, layout.partial, BLOCKS * W * kp),
    topicCoef: new Float64Array(buf, layout.topicCoef, kp),
  };
  return { arrays, nwb: new Float64Array(buf, layout.nwb, W * kp), init: { module, memory, layout } };
}

export class EmWasmKernel {
  private readonly x: EmExports;
  private readonly scratchBytes: number;

  constructor(
    private readonly w: EmWasmInit,
    cfg: EmConfig,
  ) {
    const kp = laneStride(cfg.k);
    this.scratchBytes = 3 * kp * 8;
    this.x = instantiate<EmExports>(w.module, w.memory);
    const l = w.layout;
    this.x.emSetup(l.docStart, l.wordIds, l.counts, l.nd, l.nw, l.nwb, l.partial, l.topicCoef, cfg.k, kp, cfg.numWords, cfg.alpha, cfg.beta, cfg.seedLo, cfg.seedHi);
  }

  initBlock(block: number, docFrom: number, docTo: number): void {
    this.x.emInit(block, docFrom, docTo, this.scratch(block));
  }

  iterateBlock(block: number, docFrom: number, docTo: number, withLikelihood: boolean): number {
    return this.x.emIterate(block, docFrom, docTo, this.scratch(block), withLikelihood);
  }

  private scratch(block: number): number {
    return this.w.layout.scratch + block * this.scratchBytes;
  }
}
