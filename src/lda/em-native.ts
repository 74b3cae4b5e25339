/**
 * The native em kernel (src/lda/native/em.cc, a Node-API addon compiled by `npm run build` into em-native.node
 * beside this file). It runs em's tiles, random initialisation, iterations (with their log-likelihood, through
 * AssemblyScript's own log) and merges on the wasm kernels' own shared memory (the same tiles, blocks and scratch),
 * so the wasm kernel's θ mixes freely with it; its model and log-likelihood are bit for bit the wasm kernel's.
 *
 * Missing or unloadable (another architecture, a failed compile), the wasm kernel runs instead: see
 * chooseKernel in wasm.ts. `nativeEmStatus()` says which, and why not.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { EmLayout } from './em-wasm.js';
import type { TileLayout, Tiling } from './em-tiles.js';
import type { Corpus } from './types.js';

export interface NativeEm {
  emSetup(
    memory: Uint8Array, docStart: number, tileDoc: number, tileRun: number, runWord: number, runEnd: number, entryDoc: number, counts: number, countBytes: number,
    nd: number, nwb: number, partial: number, topicCoef: number, k: number, kp: number, numWords: number, maxTileDocs: number, alpha: number,
    seedLo: number, seedHi: number, docTokens: number,
  ): object;
  emInit(handle: object, block: number, tileFrom: number, tileTo: number): void;
  emFillBlock(
    memory: Uint8Array, docStart: Int32Array, wordIds: Int32Array, counts: Float64Array, tileDoc: Int32Array, numWords: number, tileFrom: number, tileTo: number,
    firstRun: number, docTokens: number, tileRun: number, runWord: number, runEnd: number, entryDoc: number, countsAt: number, countBytes: number,
  ): void;
  /** One iteration of the block's tiles; its log-likelihood when `withLikelihood` (the wasm kernel's bits), else 0. */
  emIterate(handle: object, block: number, tileFrom: number, tileTo: number, scratch: number, withLikelihood: boolean): number;
  /** θ of block `block`'s documents [docFrom, docTo) in place of their N_d rows (even K), as the wasm kernel's emTheta. */
  emTheta(handle: object, block: number, docFrom: number, docTo: number): void;
  /** Each value replaced by its log as AssemblyScript's Math.log forms it (the likelihood's log; for tests). */
  mathLog(values: Float64Array): void;
  emMerge(memory: Uint8Array, partial: number, nw: number, nwb: number, topicCoef: number, numWords: number, k: number, kp: number, blocks: number, beta: number): void;
  /** Gives the memory's whole pages outside bytes [from, to) back to the OS (they read as zeros afterwards); the bytes released. */
  releasePagesOutside(memory: Uint8Array, from: number, to: number): number;
  /** Asks the OS for transparent huge pages over the memory before its first touch; whether it was taken. */
  adviseHugePages(memory: Uint8Array): boolean;
  /** The calling thread's CPU time in ms (for the fit's timeline, trace.ts). */
  threadCpuMs(): number;
  /** The instruction set the addon's clones run on this CPU: avx512, avx2, sse2 or generic. */
  isa(): string;
}

export const NATIVE_PATH = new URL('./em-native.node', import.meta.url);

let cached: { addon: NativeEm | null; reason: string } | undefined;

/** Loads the addon at `path`; null and the reason when it is missing or cannot load here. */
export function loadNativeEm(path: URL = NATIVE_PATH): { addon: NativeEm | null; reason: string } {
  try {
    const file = fileURLToPath(path);
    const addon = createRequire(import.meta.url)(file) as NativeEm;
    if (typeof addon.emIterate !== 'function' || typeof addon.emSetup !== 'function') return { addon: null, reason: `${file} is not the em kernel` };
    return { addon, reason: '' };
  } catch (err) {
    return { addon: null, reason: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
}

/** The addon of this build (loaded once per thread), or null. */
export function nativeEm(): NativeEm | null {
  cached ??= loadNativeEm();
  return cached.addon;
}

/** Whether the native kernel is there, its instruction set, and otherwise why not (for tests and reports). */
export function nativeEmStatus(): { loaded: boolean; isa?: string; reason?: string } {
  const addon = nativeEm();
  return addon ? { loaded: true, isa: addon.isa() } : { loaded: false, reason: cached!.reason };
}

/** fillTileBlock (em-tiles.ts) in native code: the same bytes. */
export function fillTileBlockNative(addon: NativeEm, buf: ArrayBufferLike, at: TileLayout, corpus: Corpus, tiling: Tiling, block: number): void {
  addon.emFillBlock(
    new Uint8Array(buf), corpus.docStart, corpus.wordIds, corpus.counts, tiling.tileDoc, corpus.numWords, tiling.blockTiles[block], tiling.blockTiles[block + 1],
    tiling.blockRuns[block], at.docTokens, at.tileRun, at.runWord, at.runEnd, at.entryDoc, at.counts, at.countBytes,
  );
}

/** One thread's handle on the kernels' memory: em's initialisation and its iterations. */
export class EmNativeBlocks {
  private readonly handle: object;

  constructor(
    private readonly addon: NativeEm,
    memory: WebAssembly.Memory,
    private readonly layout: EmLayout,
    private readonly blockTiles: number[],
    cfg: { k: number; kp: number; numWords: number; alpha: number; tileDocs: number; seedLo: number; seedHi: number },
  ) {
    const l = layout;
    this.handle = addon.emSetup(
      new Uint8Array(memory.buffer), l.docStart, l.tileDoc, l.tileRun, l.runWord, l.runEnd, l.entryDoc, l.counts, l.countBytes, l.nd, l.nwb, l.partial, l.topicCoef,
      cfg.k, cfg.kp, cfg.numWords, cfg.tileDocs, cfg.alpha, cfg.seedLo, cfg.seedHi, l.docTokens,
    );
  }

  initBlock(block: number): void {
    this.addon.emInit(this.handle, block, this.blockTiles[block], this.blockTiles[block + 1]);
  }

  theta(block: number, docFrom: number, docTo: number): void {
    this.addon.emTheta(this.handle, block, docFrom, docTo);
  }

  iterateBlock(block: number, withLikelihood: boolean): number {
    return this.addon.emIterate(this.handle, block, this.blockTiles[block], this.blockTiles[block + 1], this.layout.scratch + block * this.layout.scratchBytes, withLikelihood);
  }
}
