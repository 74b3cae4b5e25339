// The EM kernel of src/lda/em-kernel.ts over f64x2 lanes, in tiles. Rows are `kp` = K rounded up to even
// doubles; the padding lanes of topicCoef are 0, so padded γ are 0 and every sum and row sum is unchanged.
// emIterate reads nwb = N_w + (β − 1), formed by the caller with the merge of the partial sums.
//
// A tile is a run of consecutive documents whose entries are stored word-sorted (src/lda/em-tiles.ts): runs
// of one word, each run's entries in document order, each entry its document's index in the tile and its
// count. A word's rows (N_w, its partial sums) are then read once per tile and stay in cache over the run,
// and the tile's document rows fit the L2 cache. Each document still meets its entries in word order and
// each word its documents in document order, so every sum is formed in the same order as a pass over the
// documents one after another: results do not depend on the tiling.
import { seed4, a as rngA, b as rngB, c as rngC, d as rngD } from './rng';

let docStart: usize = 0;
let tileDoc: usize = 0;
let tileRun: usize = 0;
let runWord: usize = 0;
let runEnd: usize = 0;
let entryDoc: usize = 0;
let counts: usize = 0;
let nd: usize = 0;
let nwb: usize = 0;
let partial: usize = 0;
let topicCoef: usize = 0;
let K: i32 = 0;
let rowBytes: usize = 0;
let blockBytes: usize = 0;
let tileDocs: usize = 0;
let alphaM1: f64 = 0;
let seedLo: u32 = 0;
let seedHi: u32 = 0;

const EM_INIT_STREAM: u32 = 1;

export function emSetup(
  docStartPtr: usize, tileDocPtr: usize, tileRunPtr: usize, runWordPtr: usize, runEndPtr: usize, entryDocPtr: usize, countsPtr: usize,
  ndPtr: usize, nwbPtr: usize, partialPtr: usize, topicCoefPtr: usize,
  k: i32, kp: i32, numWords: i32, maxTileDocs: i32, alpha: f64, lo: u32, hi: u32,
): void {
  docStart = docStartPtr;
  tileDoc = tileDocPtr;
  tileRun = tileRunPtr;
  runWord = runWordPtr;
  runEnd = runEndPtr;
  entryDoc = entryDocPtr;
  counts = countsPtr;
  nd = ndPtr;
  nwb = nwbPtr;
  partial = partialPtr;
  topicCoef = topicCoefPtr;
  K = k;
  rowBytes = <usize>kp << 3;
  blockBytes = <usize>numWords * rowBytes;
  tileDocs = <usize>maxTileDocs;
  alphaM1 = alpha - 1;
  seedLo = lo;
  seedHi = hi;
}

/** Bytes of scratch one block needs (the caller lays the blocks' scratch out). */
export function emScratchBytes(kp: i32, maxTileDocs: i32): usize {
  return (<usize>maxTileDocs * (2 * <usize>kp + 4) + 3 * <usize>kp) << 3;
}

// @ts-ignore: decorator
@inline function i32At(base: usize, i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function docIn(i: i32): usize {
  return <usize>load<u16>(entryDoc + (<usize>i << 1));
}

/** Random soft assignment (EmKernel.initBlock) over tiles [tileFrom, tileTo). */
export function emInit(block: i32, tileFrom: i32, tileTo: i32, scratch: usize): void {
  const pBase = partial + <usize>block * blockBytes;
  memory.fill(pBase, 0, blockBytes);
  const g = scratch;
  const states = scratch + rowBytes; // 4 u32 per document of the tile: its generator mid-stream
  for (let t = tileFrom; t < tileTo; t++) {
    const d0 = i32At(tileDoc, t);
    const n = i32At(tileDoc, t + 1) - d0;
    for (let j = 0; j < n; j++) {
      seed4(seedLo, seedHi, EM_INIT_STREAM, <u32>(d0 + j));
      const s = states + (<usize>j << 4);
      store<u32>(s, rngA);
      store<u32>(s, rngB, 4);
      store<u32>(s, rngC, 8);
      store<u32>(s, rngD, 12);
    }
    const dBase = nd + <usize>d0 * rowBytes;
    const rFrom = i32At(tileRun, t);
    let i = rFrom == 0 ? 0 : i32At(runEnd, rFrom - 1);
    for (let r = rFrom, rEnd = i32At(tileRun, t + 1); r < rEnd; r++) {
      const pRow = pBase + <usize>i32At(runWord, r) * rowBytes;
      for (const end = i32At(runEnd, r); i < end; i++) {
        const j = docIn(i);
        const s = states + (j << 4);
        let sa = load<u32>(s);
        let sb = load<u32>(s, 4);
        let sc = load<u32>(s, 8);
        let sd = load<u32>(s, 12);
        let sum: f64 = 0;
        for (let k = 0; k < K; k++) {
          const hi = rotl<u32>(sb * 5, 7) * 9;
          let x = sb << 9;
          sc ^= sa;
          sd ^= sb;
          sb ^= sc;
          sa ^= sd;
          sc ^= x;
          sd = rotl<u32>(sd, 11);
          const lo = rotl<u32>(sb * 5, 7) * 9;
          x = sb << 9;
          sc ^= sa;
          sd ^= sb;
          sb ^= sc;
          sa ^= sd;
          sc ^= x;
          sd = rotl<u32>(sd, 11);
          const v = (<f64>(hi >>> 5) * 67108864.0 + <f64>(lo >>> 6)) * 1.1102230246251565e-16; // exactly / 2^53
          store<f64>(g + (<usize>k << 3), v);
          sum += v;
        }
        store<u32>(s, sa);
        store<u32>(s, sb, 4);
        store<u32>(s, sc, 8);
        store<u32>(s, sd, 12);
        const scale = load<f64>(counts + (<usize>i << 3)) / sum;
        const dRow = dBase + j * rowBytes;
        for (let k = 0; k < K; k++) {
          const off = <usize>k << 3;
          const v = load<f64>(g + off) * scale;
          store<f64>(dRow + off, load<f64>(dRow + off) + v);
          store<f64>(pRow + off, load<f64>(pRow + off) + v);
        }
      }
    }
  }
}

/**
 * One Jacobi step over tiles [tileFrom, tileTo) into partial buffer `block` (EmKernel.iterateBlock).
 * Returns the log-likelihood when `withLikelihood`, else 0: the per-entry log is replaced by a running
 * product of the sums per document, kept in range by moving its binary exponent into an integer (one log
 * per document instead of one per entry).
 */
export function emIterate(block: i32, tileFrom: i32, tileTo: i32, scratch: usize, withLikelihood: bool): f64 {
  const pBase = partial + <usize>block * blockBytes;
  memory.fill(pBase, 0, blockBytes);
  const gamma = scratch;
  const docScale = scratch + rowBytes;
  const newNd = docScale + tileDocs * rowBytes;
  const product = newNd + tileDocs * rowBytes; // per document of the tile: product, exponent, other logs, tokens
  const am1 = f64x2.splat(alphaM1);
  const zero = f64x2.splat(0);
  let ll: f64 = 0;
  for (let t = tileFrom; t < tileTo; t++) {
    const d0 = i32At(tileDoc, t);
    const n = i32At(tileDoc, t + 1) - d0;
    const dBase = nd + <usize>d0 * rowBytes;
    for (let j = 0; j < n; j++) {
      const dRow = dBase + <usize>j * rowBytes;
      const sRow = docScale + <usize>j * rowBytes;
      const nRow = newNd + <usize>j * rowBytes;
      for (let o: usize = 0; o < rowBytes; o += 16) {
        const s = f64x2.add(v128.load(dRow + o), am1);
        v128.store(sRow + o, f64x2.mul(s, v128.load(topicCoef + o)));
        v128.store(nRow + o, zero);
      }
      if (withLikelihood) {
        const l = product + (<usize>j << 5);
        store<f64>(l, 1);
        store<i64>(l, 0, 8);
        store<f64>(l, 0, 16);
        store<f64>(l, 0, 24);
      }
    }
    const rFrom = i32At(tileRun, t);
    let i = rFrom == 0 ? 0 : i32At(runEnd, rFrom - 1);
    for (let r = rFrom, rEnd = i32At(tileRun, t + 1); r < rEnd; r++) {
      const wOff = <usize>i32At(runWord, r) * rowBytes;
      const wRow = nwb + wOff;
      const pRow = pBase + wOff;
      for (const end = i32At(runEnd, r); i < end; i++) {
        const j = docIn(i);
        const sRow = docScale + j * rowBytes;
        const c = load<f64>(counts + (<usize>i << 3));
        let s0 = zero;
        let s1 = zero;
        let o: usize = 0;
        for (; o + 32 <= rowBytes; o += 32) {
          const g0 = f64x2.mul(v128.load(wRow + o), v128.load(sRow + o));
          const g1 = f64x2.mul(v128.load(wRow + o + 16), v128.load(sRow + o + 16));
          v128.store(gamma + o, g0);
          v128.store(gamma + o + 16, g1);
          s0 = f64x2.add(s0, g0);
          s1 = f64x2.add(s1, g1);
        }
        if (o < rowBytes) {
          const g0 = f64x2.mul(v128.load(wRow + o), v128.load(sRow + o));
          v128.store(gamma + o, g0);
          s0 = f64x2.add(s0, g0);
        }
        const lanes = f64x2.add(s0, s1);
        const sum = f64x2.extract_lane(lanes, 0) + f64x2.extract_lane(lanes, 1);
        if (withLikelihood) {
          const l = product + (j << 5);
          store<f64>(l, load<f64>(l, 24) + c, 24);
          if (c == 1) {
            const p = load<f64>(l) * sum;
            const bits = reinterpret<i64>(p);
            store<i64>(l, load<i64>(l, 8) + ((bits >>> 52) & 0x7ff) - 1023, 8);
            store<i64>(l, (bits & 0x800fffffffffffff) | 0x3ff0000000000000);
          } else {
            store<f64>(l, load<f64>(l, 16) + c * Math.log(sum), 16);
          }
        }
        const scale = f64x2.splat(c / sum);
        const nRow = newNd + j * rowBytes;
        let q: usize = 0;
        for (; q + 32 <= rowBytes; q += 32) {
          const v0 = f64x2.mul(v128.load(gamma + q), scale);
          const v1 = f64x2.mul(v128.load(gamma + q + 16), scale);
          v128.store(nRow + q, f64x2.add(v128.load(nRow + q), v0));
          v128.store(nRow + q + 16, f64x2.add(v128.load(nRow + q + 16), v1));
          v128.store(pRow + q, f64x2.add(v128.load(pRow + q), v0));
          v128.store(pRow + q + 16, f64x2.add(v128.load(pRow + q + 16), v1));
        }
        if (q < rowBytes) {
          const v = f64x2.mul(v128.load(gamma + q), scale);
          v128.store(nRow + q, f64x2.add(v128.load(nRow + q), v));
          v128.store(pRow + q, f64x2.add(v128.load(pRow + q), v));
        }
      }
    }
    for (let j = 0; j < n; j++) {
      const d = d0 + j;
      if (i32At(docStart, d) == i32At(docStart, d + 1)) continue;
      const dRow = dBase + <usize>j * rowBytes;
      if (withLikelihood) {
        let total: f64 = 0;
        for (let k = 0; k < K; k++) total += load<f64>(dRow + (<usize>k << 3)) + alphaM1;
        const l = product + (<usize>j << 5);
        ll += Math.log(load<f64>(l)) + <f64>load<i64>(l, 8) * Math.LN2 + load<f64>(l, 16) - load<f64>(l, 24) * Math.log(total);
      }
      memory.copy(dRow, newNd + <usize>j * rowBytes, rowBytes);
    }
  }
  return ll;
}
