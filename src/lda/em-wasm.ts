/**
 * The EM kernel on WebAssembly SIMD (src/lda/assembly/em.ts): the same work as EmKernel over arrays in
 * the kernels' shared memory, rows `laneStride(K)` doubles apart, the corpus in word-sorted tiles
 * (em-tiles.ts). Differs from the JavaScript reference only in the order of the per-entry sums over topics
 * (two f64x2 accumulators), well within 1e-9; the tiling does not change any result.
 */
import type { Corpus } from './types.js';
import { BLOCKS } from './partition.js';
import { WasmHeap, instantiate, laneStride } from './wasm.js';
import type { EmConfig } from './em-kernel.js';
import { fillTileBlock, fillTileBounds, planTiles, takeTiles, tileDocsFor, type TileLayout } from './em-tiles.js';
import { EmNativeBlocks, fillTileBlockNative, nativeEm } from './em-native.js';

interface EmExports {
  emSetup(
    docStart: number, docTokens: number, tileDoc: number, tileRun: number, runWord: number, runEnd: number, entryDoc: number, counts: number, countBytes: number,
    nd: number, nwb: number, partial: number, topicCoef: number,
    k: number, kp: number, numWords: number, maxTileDocs: number, alpha: number, seedLo: number, seedHi: number,
  ): void;
  emScratchBytes(kp: number, maxTileDocs: number): number;
  emInit(block: number, tileFrom: number, tileTo: number, scratch: number): void;
  emIterate(block: number, tileFrom: number, tileTo: number, scratch: number, withLikelihood: boolean): number;
  emTheta(docFrom: number, docTo: number): void;
}

/** Where each array (and each block's scratch) sits in the kernels' memory. */
export interface EmLayout extends TileLayout {
  nd: number;
  nw: number;
  nwb: number;
  partial: number;
  topicCoef: number;
  scratch: number;
  scratchBytes: number;
}

export interface EmWasmInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  layout: EmLayout;
  tileDocs: number;
  blockTiles: number[];
  /** The initialisation, the iterations and θ run in the native kernel (em-native.ts) on this memory. */
  native: boolean;
}

/** The EM state as views of the kernels' memory (rows laneStride(K) apart). */
export interface EmWasmState {
  nd: Float64Array;
  nw: Float64Array;
  nwb: Float64Array;
  partial: Float64Array;
  topicCoef: Float64Array;
}

/**
 * Lays the tiled corpus and the EM state out in a new shared memory (null when it would pass 4 GiB); each
 * block's tiles are written by `fillBlock(b)`, before that block is initialised. With `native`, the native
 * kernel writes the tiles and runs the initialisation, the iterations and θ.
 */
export function emWasmArrays(
  module: WebAssembly.Module,
  corpus: Corpus,
  k: number,
  bounds: number[],
  native = false,
): { state: EmWasmState; init: EmWasmInit; fillBlock(block: number): void; merge?: (beta: number) => void; keepOnly(from: number, to: number): void } | null {
  const { numDocs: D, numWords: W } = corpus;
  const kp = laneStride(k);
  const tileDocs = tileDocsFor(kp);
  const tiling = planTiles(corpus, bounds, tileDocs);
  const heap = new WasmHeap();
  const tiles = takeTiles(heap, corpus, tiling);
  const scratchBytes = Math.ceil(((tileDocs * 2 * kp + 4 * kp + 4) * 8) / 16) * 16;
  const layout: EmLayout = {
    ...tiles,
    nd: heap.f64(D * kp),
    nw: heap.f64(W * kp),
    nwb: heap.f64(W * kp),
    partial: heap.f64(BLOCKS * W * kp),
    topicCoef: heap.f64(kp),
    scratch: heap.f64((BLOCKS * scratchBytes) / 8),
    scratchBytes,
  };
  if (!heap.fits()) return null;
  const memory = heap.memory();
  const buf = memory.buffer;
  const addon = native ? nativeEm() : null;
  // Huge pages make the first touch of the tiles and rows cheaper (src/lda/native/em.cc, adviseHugePages).
  const mem = new Uint8Array(buf);
  addon?.adviseHugePages(mem);
  fillTileBounds(buf, tiles, corpus, tiling);
  const state: EmWasmState = {
    nd: new Float64Array(buf, layout.nd, D * kp),
    nw: new Float64Array(buf, layout.nw, W * kp),
    nwb: new Float64Array(buf, layout.nwb, W * kp),
    partial: new Float64Array(buf, layout.partial, BLOCKS * W * kp),
    topicCoef: new Float64Array(buf, layout.topicCoef, kp),
  };
  return {
    state,
    // With the native kernel, fitEm's merge of the blocks' partial sums and the next iteration's coefficients.
    merge: addon ? (beta) => addon.emMerge(mem, layout.partial, layout.nw, layout.nwb, layout.topicCoef, W, k, kp, BLOCKS, beta) : undefined,
    init: { module, memory, layout, tileDocs, blockTiles: tiling.blockTiles, native },
    // Once the model is out: the memory's pages outside bytes [from, to) back to the OS (native only; they read
    // as zeros afterwards), so a model whose θ is a view of the N_d rows holds no more than those rows.
    keepOnly: (from, to) => addon?.releasePagesOutside(mem, from, to),
    fillBlock: addon
      ? (block) => fillTileBlockNative(addon, buf, tiles, corpus, tiling, block)
      : (block) => fillTileBlock(buf, tiles, corpus, tiling, block),
  };
}

export class EmWasmKernel {
  private readonly x: EmExports;
  private readonly k: number;
  private readonly native: EmNativeBlocks | undefined;

  constructor(
    private readonly w: EmWasmInit,
    cfg: EmConfig,
  ) {
    const kp = laneStride(cfg.k);
    this.k = cfg.k;
    this.x = instantiate<EmExports>(w.module, w.memory);
    const l = w.layout;
    if (this.x.emScratchBytes(kp, w.tileDocs) > l.scratchBytes) throw new Error('LDA: em scratch too small for lda.wasm');
    this.x.emSetup(
      l.docStart, l.docTokens, l.tileDoc, l.tileRun, l.runWord, l.runEnd, l.entryDoc, l.counts, l.countBytes, l.nd, l.nwb, l.partial, l.topicCoef,
      cfg.k, kp, cfg.numWords, w.tileDocs, cfg.alpha, cfg.seedLo, cfg.seedHi,
    );
    if (w.native) {
      const addon = nativeEm();
      if (!addon) throw new Error('LDA: the native em kernel loaded in the main thread but not in this one');
      this.native = new EmNativeBlocks(addon, w.memory, l, w.blockTiles, { ...cfg, kp, tileDocs: w.tileDocs });
    }
  }

  /** Blocks are given by their documents [bounds[b], bounds[b+1]); the kernel runs over the block's tiles. */
  initBlock(block: number): void {
    if (this.native) return this.native.initBlock(block);
    this.x.emInit(block, this.w.blockTiles[block], this.w.blockTiles[block + 1], this.scratch(block));
  }

  /** The native kernel, when chosen, runs every iteration (it returns 0 when the log-likelihood is not read). */
  iterateBlock(block: number, withLikelihood: boolean): number {
    if (this.native) return this.native.iterateBlock(block, withLikelihood);
    return this.x.emIterate(block, this.w.blockTiles[block], this.w.blockTiles[block + 1], this.scratch(block), withLikelihood);
  }

  /**
   * θ of documents [from, to) (even K: N_d rows are K wide), normalised in place and, given `out` (a shared
   * array), copied into it: each thread copies its own documents, so the fresh pages of θ are touched in parallel.
   */
  thetaBlock(block: number, from: number, to: number, out?: Float64Array): void {
    if (this.native) this.native.theta(block, from, to);
    else this.x.emTheta(from, to);
    if (!out) return;
    const K = this.k;
    out.set(new Float64Array(this.w.memory.buffer, this.w.layout.nd + from * K * 8, (to - from) * K), from * K);
  }

  private scratch(block: number): number {
    return this.w.layout.scratch + block * this.w.layout.scratchBytes;
  }
}
