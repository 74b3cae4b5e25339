/**
 * The corpus in the wasm EM kernel's tile order (src/lda/assembly/em.ts), written straight into the
 * kernels' memory. Each block's documents are cut into tiles of at most `tileDocs` consecutive documents;
 * a tile's entries are stored by word (runs of one word, ascending), each run's entries in document order,
 * each entry as its document's index in the tile (u16) and its count in the fewest bytes that hold every
 * count exactly (u16 for integer counts below 2^16, as the pipeline's are; else f32 or f64): less memory to
 * touch for the first time and to stream every iteration.
 */
import type { Corpus } from './types.js';
import { BLOCKS } from './partition.js';
import type { WasmHeap } from './wasm.js';

/** Bytes of document rows (γ scales and new N_d) a tile may hold: about half of a 512 KiB L2 cache. */
const TILE_ROW_BYTES = 256 * 1024;

export function tileDocsFor(kp: number): number {
  return Math.max(1, Math.min(65536, Math.floor(TILE_ROW_BYTES / (2 * kp * 8))));
}

export interface TileLayout {
  docStart: number;
  /** Per document, the sum of its counts (the likelihood's token count). */
  docTokens: number;
  tileDoc: number;
  tileRun: number;
  runWord: number;
  runEnd: number;
  entryDoc: number;
  counts: number;
  /** Bytes per stored count: 2 (u16) when every count is an integer below 2^16, 4 (f32) when every count is exactly an f32, else 8. */
  countBytes: 2 | 4 | 8;
}

export interface Tiling {
  /** Tiles of block b are blockTiles[b] .. blockTiles[b + 1] − 1. */
  blockTiles: number[];
  tileDoc: Int32Array;
  runs: number;
  /** Runs of the tiles before block b's first tile. */
  blockRuns: number[];
}

/** Cuts each block [bounds[b], bounds[b+1]) into tiles and counts the runs (distinct words per tile). */
export function planTiles(corpus: Corpus, bounds: number[], tileDocs: number): Tiling {
  const starts: number[] = [];
  const blockTiles = [0];
  for (let b = 0; b < BLOCKS; b++) {
    for (let d = bounds[b]; d < bounds[b + 1]; d += tileDocs) starts.push(d);
    blockTiles.push(starts.length);
  }
  starts.push(corpus.numDocs);
  const tileDoc = Int32Array.from(starts);
  const { docStart, wordIds } = corpus;
  const seen = new Int32Array(corpus.numWords).fill(-1);
  let runs = 0;
  const blockRuns: number[] = [];
  for (let b = 0; b < BLOCKS; b++) {
    blockRuns.push(runs);
    for (let t = blockTiles[b]; t < blockTiles[b + 1]; t++) {
      for (let i = docStart[tileDoc[t]]; i < docStart[tileDoc[t + 1]]; i++) {
        const w = wordIds[i];
        if (seen[w] !== t) {
          seen[w] = t;
          runs++;
        }
      }
    }
  }
  blockRuns.push(runs);
  return { blockTiles, tileDoc, runs, blockRuns };
}

export function takeTiles(heap: WasmHeap, corpus: Corpus, tiling: Tiling): TileLayout {
  const nnz = corpus.docStart[corpus.numDocs];
  const countBytes = countSize(corpus.counts, nnz);
  const tiles1 = tiling.tileDoc.length;
  return {
    docStart: heap.i32(corpus.numDocs + 1),
    docTokens: heap.f64(corpus.numDocs),
    tileDoc: heap.i32(tiles1),
    tileRun: heap.i32(tiles1),
    runWord: heap.i32(tiling.runs),
    runEnd: heap.i32(tiling.runs),
    entryDoc: heap.i32(Math.ceil(nnz / 2)),
    counts: heap.i32(Math.ceil((nnz * countBytes) / 4)),
    countBytes,
  };
}

/** Writes what every block's tiles share (document and tile bounds) into `buf` at `at`. */
export function fillTileBounds(buf: ArrayBufferLike, at: TileLayout, corpus: Corpus, tiling: Tiling): void {
  const D = corpus.numDocs;
  const tiles = tiling.tileDoc.length - 1;
  new Int32Array(buf, at.docStart, D + 1).set(corpus.docStart.subarray(0, D + 1));
  new Int32Array(buf, at.tileDoc, tiles + 1).set(tiling.tileDoc);
  // A block's bounds are also read as the next block's first run and as the end of the previous block's last
  // run: written here, so that a block can be initialised before its neighbours are written.
  const tileRun = new Int32Array(buf, at.tileRun, tiles + 1);
  for (let b = 0; b <= BLOCKS; b++) tileRun[tiling.blockTiles[b]] = tiling.blockRuns[b];
  const runEnd = new Int32Array(buf, at.runEnd, tiling.runs);
  for (let b = 1; b < BLOCKS; b++) {
    const run = tiling.blockRuns[b];
    if (run > 0) runEnd[run - 1] = corpus.docStart[tiling.tileDoc[tiling.blockTiles[b]]];
  }
}

/**
 * Writes block `block`'s tiles into `buf` at `at`. Blocks are independent, so a block can be written while
 * another thread already initialises one written before (see fitEm).
 */
export function fillTileBlock(buf: ArrayBufferLike, at: TileLayout, corpus: Corpus, tiling: Tiling, block: number): void {
  const { numDocs: D, numWords: W, docStart, wordIds, counts } = corpus;
  const nnz = docStart[D];
  const tiles = tiling.tileDoc.length - 1;
  const docTokens = new Float64Array(buf, at.docTokens, D);
  const tileRun = new Int32Array(buf, at.tileRun, tiles + 1);
  const runWord = new Int32Array(buf, at.runWord, tiling.runs);
  const runEnd = new Int32Array(buf, at.runEnd, tiling.runs);
  const entryDoc = new Uint16Array(buf, at.entryDoc, nnz);
  const entryCount =
    at.countBytes === 2 ? new Uint16Array(buf, at.counts, nnz) : at.countBytes === 4 ? new Float32Array(buf, at.counts, nnz) : new Float64Array(buf, at.counts, nnz);
  const count = new Int32Array(W);
  const next = new Int32Array(W);
  const touched = new Int32Array(W);
  let run = tiling.blockRuns[block];
  for (let t = tiling.blockTiles[block]; t < tiling.blockTiles[block + 1]; t++) {
    tileRun[t] = run;
    const d0 = tiling.tileDoc[t];
    const d1 = tiling.tileDoc[t + 1];
    const from = docStart[d0];
    const to = docStart[d1];
    let distinct = 0;
    for (let i = from; i < to; i++) {
      const w = wordIds[i];
      if (count[w]++ === 0) touched[distinct++] = w;
    }
    // The tile's words in ascending order: a scan of the vocabulary when it is small beside the tile.
    let words: Int32Array;
    if (W <= 4 * (to - from)) {
      words = touched;
      let n = 0;
      for (let w = 0; w < W; w++) if (count[w] > 0) touched[n++] = w;
    } else {
      words = touched.subarray(0, distinct).sort();
    }
    let end = from;
    for (let r = 0; r < distinct; r++) {
      const w = words[r];
      next[w] = end;
      end += count[w];
      count[w] = 0;
      runWord[run] = w;
      runEnd[run++] = end;
    }
    for (let d = d0; d < d1; d++) {
      const local = d - d0;
      let tokens = 0;
      for (let i = docStart[d]; i < docStart[d + 1]; i++) {
        const p = next[wordIds[i]]++;
        entryDoc[p] = local;
        entryCount[p] = counts[i];
        tokens += counts[i];
      }
      docTokens[d] = tokens;
    }
  }
}

/** The fewest bytes that store every count exactly: 2 (integers below 2^16), 4 (f32) or 8. */
function countSize(counts: Float64Array, nnz: number): 2 | 4 | 8 {
  let i = 0;
  while (i < nnz && Number.isInteger(counts[i]) && counts[i] < 65536) i++;
  if (i === nnz) return 2;
  for (; i < nnz; i++) if (Math.fround(counts[i]) !== counts[i]) return 8;
  return 4;
}
