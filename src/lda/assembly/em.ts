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
let docTokens: usize = 0;
let tileDoc: usize = 0;
let tileRun: usize = 0;
let runWord: usize = 0;
let runEnd: usize = 0;
let entryDoc: usize = 0;
let counts: usize = 0;
let countBytes: i32 = 8;
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
const TWO_500: f64 = reinterpret<f64>(0x5f30000000000000); // 2^500
const TWO_M500: f64 = reinterpret<f64>(0x20b0000000000000); // 2^-500

export function emSetup(
  docStartPtr: usize, docTokensPtr: usize, tileDocPtr: usize, tileRunPtr: usize, runWordPtr: usize, runEndPtr: usize, entryDocPtr: usize, countsPtr: usize, countSize: i32,
  ndPtr: usize, nwbPtr: usize, partialPtr: usize, topicCoefPtr: usize,
  k: i32, kp: i32, numWords: i32, maxTileDocs: i32, alpha: f64, lo: u32, hi: u32,
): void {
  docStart = docStartPtr;
  docTokens = docTokensPtr;
  tileDoc = tileDocPtr;
  tileRun = tileRunPtr;
  runWord = runWordPtr;
  runEnd = runEndPtr;
  entryDoc = entryDocPtr;
  counts = countsPtr;
  countBytes = countSize;
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
  return (<usize>maxTileDocs * 2 * <usize>kp + 4 * <usize>kp + 4) << 3;
}

// @ts-ignore: decorator
@inline function i32At(base: usize, i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}

/**
 * Entry i's count, stored in `countBytes` bytes: u16 when every count of the corpus is an integer below 2^16,
 * f32 when every count is exactly an f32, else f64 (always the same value).
 */
// @ts-ignore: decorator
@inline function countAt(i: i32): f64 {
  return countIn(counts, countBytes, i);
}

/** countAt with the array and its width in locals (V8 reloads a global on every use inside a loop). */
// @ts-ignore: decorator
@inline function countIn(base: usize, bytes: i32, i: i32): f64 {
  if (bytes == 2) return <f64>load<u16>(base + (<usize>i << 1));
  return bytes == 4 ? <f64>load<f32>(base + (<usize>i << 2)) : load<f64>(base + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline function docIn(i: i32): usize {
  return docOf(entryDoc, i);
}

// @ts-ignore: decorator
@inline function docOf(base: usize, i: i32): usize {
  return <usize>load<u16>(base + (<usize>i << 1));
}

/**
 * Random soft assignment (EmKernel.initBlock) over tiles [tileFrom, tileTo). Each document draws from its
 * own stream (kept in `states` between its entries). Four consecutive entries of four different documents
 * draw side by side, their generators in the lanes of i32x4 vectors; the draws are then spread entry by entry
 * in the tile's order, so every sum is formed as before.
 */
export function emInit(block: i32, tileFrom: i32, tileTo: i32, scratch: usize): void {
  const pBase = partial + <usize>block * blockBytes;
  memory.fill(pBase, 0, blockBytes);
  const g = scratch; // four rows of draws
  const sums = g + (rowBytes << 2);
  const states = sums + 32; // 4 u32 per document of the tile: its generator mid-stream
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
    let r = i32At(tileRun, t);
    const rEnd = i32At(tileRun, t + 1);
    if (r == rEnd) continue;
    let i = firstEntry(r);
    const iEnd = i32At(runEnd, rEnd - 1);
    while (i < iEnd) {
      if (i + 4 <= iEnd) {
        const j0 = docIn(i);
        const j1 = docIn(i + 1);
        const j2 = docIn(i + 2);
        const j3 = docIn(i + 3);
        if (j0 != j1 && j0 != j2 && j0 != j3 && j1 != j2 && j1 != j3 && j2 != j3) {
          draws4(states + (j0 << 4), states + (j1 << 4), states + (j2 << 4), states + (j3 << 4), g, sums);
          for (let e = 0; e < 4; e++) {
            while (i32At(runEnd, r) <= i) r++;
            const j = docIn(i);
            spreadRow(g + (<usize>e * rowBytes), countAt(i) / load<f64>(sums + (<usize>e << 3)), dBase + j * rowBytes, pBase + <usize>i32At(runWord, r) * rowBytes);
            i++;
          }
          continue;
        }
      }
      while (i32At(runEnd, r) <= i) r++;
      const j = docIn(i);
      spreadRow(g, countAt(i) / draws(states + (j << 4), g), dBase + j * rowBytes, pBase + <usize>i32At(runWord, r) * rowBytes);
      i++;
    }
  }
}

// @ts-ignore: decorator
@inline function xoResult(b: v128): v128 {
  const b5 = i32x4.add(i32x4.shl(b, 2), b);
  const r = v128.or(i32x4.shl(b5, 7), i32x4.shr_u(b5, 25));
  return i32x4.add(i32x4.shl(r, 3), r);
}

/**
 * K draws of each of the four streams at s0 … s3 (advancing them) into rows 0 … 3 of `g`, and their sums
 * (summed in draw order, as `draws`) at `sums`: the four generators run in the lanes of i32x4 vectors.
 */
function draws4(s0: usize, s1: usize, s2: usize, s3: usize, g: usize, sums: usize): void {
  // The four states [a, b, c, d] transposed into one vector per state word.
  const x0 = v128.load(s0);
  const x1 = v128.load(s1);
  const x2 = v128.load(s2);
  const x3 = v128.load(s3);
  let t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
  let t1 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
  let t2 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
  let t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
  let sa = i32x4.shuffle(t0, t1, 0, 1, 4, 5);
  let sb = i32x4.shuffle(t0, t1, 2, 3, 6, 7);
  let sc = i32x4.shuffle(t2, t3, 0, 1, 4, 5);
  let sd = i32x4.shuffle(t2, t3, 2, 3, 6, 7);
  const g1 = g + rowBytes;
  const g2 = g1 + rowBytes;
  const g3 = g2 + rowBytes;
  const two26 = f64x2.splat(67108864.0);
  const twoM53 = f64x2.splat(1.1102230246251565e-16); // exactly 2^-53
  let sum01 = f64x2.splat(0);
  let sum23 = f64x2.splat(0);
  for (let k = 0; k < K; k++) {
    // Two outputs of each generator: the high and the low bits of the draw.
    let hi = sa;
    let lo = sa;
    for (let half = 0; half < 2; half++) {
      const out = xoResult(sb);
      const x = i32x4.shl(sb, 9);
      sc = v128.xor(sc, sa);
      sd = v128.xor(sd, sb);
      sb = v128.xor(sb, sc);
      sa = v128.xor(sa, sd);
      sc = v128.xor(sc, x);
      sd = v128.or(i32x4.shl(sd, 11), i32x4.shr_u(sd, 21));
      if (half == 0) hi = out;
      else lo = out;
    }
    // hi >>> 5 and lo >>> 6 fit 27 and 26 bits: their signed conversions are exact.
    const h = i32x4.shr_u(hi, 5);
    const l = i32x4.shr_u(lo, 6);
    const h23 = i32x4.shuffle(h, h, 2, 3, 0, 1);
    const l23 = i32x4.shuffle(l, l, 2, 3, 0, 1);
    const v01 = f64x2.mul(f64x2.add(f64x2.mul(f64x2.convert_low_i32x4_s(h), two26), f64x2.convert_low_i32x4_s(l)), twoM53);
    const v23 = f64x2.mul(f64x2.add(f64x2.mul(f64x2.convert_low_i32x4_s(h23), two26), f64x2.convert_low_i32x4_s(l23)), twoM53);
    const off = <usize>k << 3;
    store<f64>(g + off, f64x2.extract_lane(v01, 0));
    store<f64>(g1 + off, f64x2.extract_lane(v01, 1));
    store<f64>(g2 + off, f64x2.extract_lane(v23, 0));
    store<f64>(g3 + off, f64x2.extract_lane(v23, 1));
    sum01 = f64x2.add(sum01, v01);
    sum23 = f64x2.add(sum23, v23);
  }
  v128.store(sums, sum01);
  v128.store(sums, sum23, 16);
  t0 = i32x4.shuffle(sa, sb, 0, 4, 1, 5);
  t1 = i32x4.shuffle(sc, sd, 0, 4, 1, 5);
  t2 = i32x4.shuffle(sa, sb, 2, 6, 3, 7);
  t3 = i32x4.shuffle(sc, sd, 2, 6, 3, 7);
  v128.store(s0, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(s1, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
  v128.store(s2, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
  v128.store(s3, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
}

/**
 * Adds the draws `g` times `scale` to the document's row and the word's partial row, two topics at a time
 * (the padding lane of an odd K is 0 in `g`, so it adds 0).
 */
// @ts-ignore: decorator
@inline function spreadRow(g: usize, scale: f64, dRow: usize, pRow: usize): void {
  const sc = f64x2.splat(scale);
  for (let o: usize = 0; o < rowBytes; o += 16) {
    const v = f64x2.mul(v128.load(g + o), sc);
    addRow(dRow, o, v);
    addRow(pRow, o, v);
  }
}

/** K draws of the stream whose state is at `s` into `g` (advancing the state); returns their sum. */
// @ts-ignore: decorator
@inline function draws(s: usize, g: usize): f64 {
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
  return sum;
}

/**
 * One Jacobi step over tiles [tileFrom, tileTo) into partial buffer `block` (EmKernel.iterateBlock).
 * Returns the log-likelihood when `withLikelihood`, else 0.
 *
 * A tile's γ scales are formed from its documents' N_d rows first, so the rows themselves then collect the
 * new counts (from 0, in the same order as a separate buffer would): no copy back. An empty document's row
 * is 0 from the initialisation on, so clearing it changes nothing.
 */
export function emIterate(block: i32, tileFrom: i32, tileTo: i32, scratch: usize, withLikelihood: bool): f64 {
  const pBase = partial + <usize>block * blockBytes;
  memory.fill(pBase, 0, blockBytes);
  const gamma = scratch;
  const docScale = scratch + rowBytes;
  const scales = docScale + tileDocs * rowBytes; // per entry of a run: count / Σγ
  const docLog = scales + (tileDocs << 3); // per document of a tile: its likelihood term
  const acc = docLog + (tileDocs << 3); // a tile's likelihood: product, binary exponent, other terms
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
      if (withLikelihood) {
        let total: f64 = 0;
        for (let k = 0; k < K; k++) total += load<f64>(dRow + (<usize>k << 3)) + alphaM1;
        store<f64>(docLog + (<usize>j << 3), load<f64>(docTokens + (<usize>(d0 + j) << 3)) * Math.log(total));
      }
      for (let o: usize = 0; o < rowBytes; o += 16) {
        const s = f64x2.add(v128.load(dRow + o), am1);
        v128.store(sRow + o, f64x2.mul(s, v128.load(topicCoef + o)));
        v128.store(dRow + o, zero);
      }
    }
    const rFrom = i32At(tileRun, t);
    const rTo = i32At(tileRun, t + 1);
    if (rowBytes == 160) {
      ll += withLikelihood ? runs20Likelihood(rFrom, rTo, pBase, docScale, dBase, scales, acc) : runs20(rFrom, rTo, pBase, docScale, dBase, scales, acc, false);
    } else {
      ll += runsAny(rFrom, rTo, pBase, docScale, dBase, gamma, acc, withLikelihood);
    }
    if (withLikelihood) {
      for (let j = 0; j < n; j++) {
        const d = d0 + j;
        if (i32At(docStart, d) != i32At(docStart, d + 1)) ll -= load<f64>(docLog + (<usize>j << 3));
      }
    }
  }
  return ll;
}

function firstEntry(run: i32): i32 {
  return run == 0 ? 0 : i32At(runEnd, run - 1);
}

// @ts-ignore: decorator
@inline function startLikelihood(acc: usize): void {
  store<f64>(acc, 1);
  store<i64>(acc, 0, 8);
  store<f64>(acc, 0, 16);
}

// @ts-ignore: decorator
@inline function likelihoodOf(acc: usize): f64 {
  return Math.log(load<f64>(acc)) + <f64>load<i64>(acc, 8) * Math.LN2 + load<f64>(acc, 16);
}

/**
 * Adds Σγ's count-1 entries into a running product (kept in [2^-500, 2^500] by moving its binary exponent
 * into `exponent`) and the others' c·log(Σγ) into `other`: one log per tile for most entries, and no long
 * chain of dependent operations per entry.
 */
// @ts-ignore: decorator
@inline function likelihoodTerm(c: f64, sum: f64, acc: usize): void {
  if (c == 1) {
    let product = load<f64>(acc) * sum;
    if (!(product >= TWO_M500 && product <= TWO_500)) {
      const bits = reinterpret<i64>(product);
      store<i64>(acc, load<i64>(acc, 8) + ((bits >>> 52) & 0x7ff) - 1023, 8);
      product = reinterpret<f64>((bits & 0x800fffffffffffff) | 0x3ff0000000000000);
    }
    store<f64>(acc, product);
  } else {
    store<f64>(acc, load<f64>(acc, 16) + c * Math.log(sum), 16);
  }
}

/**
 * The entries of runs [rFrom, rTo), any K, γ through `gamma` (kp doubles); the new N_d rows at `dBase`.
 * Returns their likelihood terms Σ c·log(sum) when `withLikelihood`: the entries of count 1 as a running
 * product, brought back to [1, 2) by moving its binary exponent into an integer whenever it leaves
 * [2^-500, 2^500], the others by their logs (so one log per tile for most entries, and no long chain of
 * dependent operations per entry).
 */
function runsAny(rFrom: i32, rTo: i32, pBase: usize, docScale: usize, dBase: usize, gamma: usize, acc: usize, withLikelihood: bool): f64 {
  const zero = f64x2.splat(0);
  startLikelihood(acc);
  let i = firstEntry(rFrom);
  for (let r = rFrom; r < rTo; r++) {
    const wOff = <usize>i32At(runWord, r) * rowBytes;
    const wRow = nwb + wOff;
    const pRow = pBase + wOff;
    for (const end = i32At(runEnd, r); i < end; i++) {
      const j = docIn(i);
      const sRow = docScale + j * rowBytes;
      const c = countAt(i);
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
      if (withLikelihood) likelihoodTerm(c, sum, acc);
      const scale = f64x2.splat(c / sum);
      const nRow = dBase + j * rowBytes;
      let q: usize = 0;
      for (; q + 32 <= rowBytes; q += 32) {
        const v0 = f64x2.mul(v128.load(gamma + q), scale);
        const v1 = f64x2.mul(v128.load(gamma + q + 16), scale);
        addRow(nRow, q, v0);
        addRow(nRow, q + 16, v1);
        addRow(pRow, q, v0);
        addRow(pRow, q + 16, v1);
      }
      if (q < rowBytes) {
        const v = f64x2.mul(v128.load(gamma + q), scale);
        addRow(nRow, q, v);
        addRow(pRow, q, v);
      }
    }
  }
  return withLikelihood ? likelihoodOf(acc) : 0;
}

// @ts-ignore: decorator
@inline function addRow(row: usize, o: usize, v: v128): void {
  v128.store(row + o, f64x2.add(v128.load(row + o), v));
}

/**
 * runsAny when K rounds to 20 lanes (Spot's default topic count), in two passes over each run with the word's
 * rows in registers: the first forms each entry's Σγ (the word's N_w row held in 10 vectors) and keeps
 * count / Σγ; the second, one half row (5 vectors) at a time, forms γ again (the same product, so the same
 * bits), scales it into the document's row and adds it to the word's partial row held in registers. Every
 * sum is formed in the same order as runsAny's.
 */
// @ts-ignore: decorator
@inline function runs20(rFrom: i32, rTo: i32, pBase: usize, docScale: usize, dBase: usize, scales: usize, acc: usize, withLikelihood: bool): f64 {
  startLikelihood(acc);
  const docs = entryDoc;
  const cs = counts;
  const cb = countBytes;
  const words = runWord;
  const ends = runEnd;
  const nw = nwb;
  let i = firstEntry(rFrom);
  for (let r = rFrom; r < rTo; r++) {
    const wOff = <usize>i32At(words, r) * 160;
    const wRow = nw + wOff;
    const pRow = pBase + wOff;
    const i0 = i;
    const end = i32At(ends, r);
    const w0 = v128.load(wRow, 0);
    const w1 = v128.load(wRow, 16);
    const w2 = v128.load(wRow, 32);
    const w3 = v128.load(wRow, 48);
    const w4 = v128.load(wRow, 64);
    const w5 = v128.load(wRow, 80);
    const w6 = v128.load(wRow, 96);
    const w7 = v128.load(wRow, 112);
    const w8 = v128.load(wRow, 128);
    const w9 = v128.load(wRow, 144);
    for (; i < end; i++) {
      const sRow = docScale + docOf(docs, i) * 160;
      const c = countIn(cs, cb, i);
      const g0 = f64x2.mul(w0, v128.load(sRow, 0));
      const g1 = f64x2.mul(w1, v128.load(sRow, 16));
      const g2 = f64x2.mul(w2, v128.load(sRow, 32));
      const g3 = f64x2.mul(w3, v128.load(sRow, 48));
      const g4 = f64x2.mul(w4, v128.load(sRow, 64));
      const g5 = f64x2.mul(w5, v128.load(sRow, 80));
      const g6 = f64x2.mul(w6, v128.load(sRow, 96));
      const g7 = f64x2.mul(w7, v128.load(sRow, 112));
      const g8 = f64x2.mul(w8, v128.load(sRow, 128));
      const g9 = f64x2.mul(w9, v128.load(sRow, 144));
      const s0 = f64x2.add(f64x2.add(f64x2.add(f64x2.add(g0, g2), g4), g6), g8);
      const s1 = f64x2.add(f64x2.add(f64x2.add(f64x2.add(g1, g3), g5), g7), g9);
      const lanes = f64x2.add(s0, s1);
      const sum = f64x2.extract_lane(lanes, 0) + f64x2.extract_lane(lanes, 1);
      if (withLikelihood) likelihoodTerm(c, sum, acc);
      store<f64>(scales + (<usize>(i - i0) << 3), c / sum);
    }
    halfRun20(docs, i0, end, wRow, pRow, docScale, dBase, scales, 0);
    halfRun20(docs, i0, end, wRow, pRow, docScale, dBase, scales, 80);
  }
  return withLikelihood ? likelihoodOf(acc) : 0;
}

/** runs20's second pass over one half row (bytes [o, o + 80) of the rows). */
// @ts-ignore: decorator
@inline function halfRun20(docs: usize, i0: i32, end: i32, wRow: usize, pRow: usize, docScale: usize, dBase: usize, scales: usize, o: usize): void {
  const w0 = v128.load(wRow + o, 0);
  const w1 = v128.load(wRow + o, 16);
  const w2 = v128.load(wRow + o, 32);
  const w3 = v128.load(wRow + o, 48);
  const w4 = v128.load(wRow + o, 64);
  let p0 = v128.load(pRow + o, 0);
  let p1 = v128.load(pRow + o, 16);
  let p2 = v128.load(pRow + o, 32);
  let p3 = v128.load(pRow + o, 48);
  let p4 = v128.load(pRow + o, 64);
  for (let i = i0; i < end; i++) {
    const j = docOf(docs, i);
    const sRow = docScale + j * 160 + o;
    const nRow = dBase + j * 160 + o;
    const sc = v128.load64_splat(scales + (<usize>(i - i0) << 3));
    p0 = f64x2.add(p0, spreadLanes(w0, sRow, nRow, 0, sc));
    p1 = f64x2.add(p1, spreadLanes(w1, sRow, nRow, 16, sc));
    p2 = f64x2.add(p2, spreadLanes(w2, sRow, nRow, 32, sc));
    p3 = f64x2.add(p3, spreadLanes(w3, sRow, nRow, 48, sc));
    p4 = f64x2.add(p4, spreadLanes(w4, sRow, nRow, 64, sc));
  }
  v128.store(pRow + o, p0, 0);
  v128.store(pRow + o, p1, 16);
  v128.store(pRow + o, p2, 32);
  v128.store(pRow + o, p3, 48);
  v128.store(pRow + o, p4, 64);
}

/** γ of two topics (the word's lanes `w` times the document's scales at sRow + o) times `sc`, added into the document's row; returns it. */
// @ts-ignore: decorator
@inline function spreadLanes(w: v128, sRow: usize, nRow: usize, o: usize, sc: v128): v128 {
  const v = f64x2.mul(f64x2.mul(w, v128.load(sRow + o)), sc);
  addRow(nRow, o, v);
  return v;
}

function runs20Likelihood(rFrom: i32, rTo: i32, pBase: usize, docScale: usize, dBase: usize, scales: usize, acc: usize): f64 {
  return runs20(rFrom, rTo, pBase, docScale, dBase, scales, acc, true);
}

/**
 * θ of documents [docFrom, docTo) in place of their N_d rows: each row divided by its sum (summed over the
 * topics in order, as fitEm's JavaScript does). Only for even K, where rows are exactly K wide.
 */
export function emTheta(docFrom: i32, docTo: i32): void {
  for (let d = docFrom; d < docTo; d++) {
    const row = nd + <usize>d * rowBytes;
    let sum: f64 = 0;
    for (let k = 0; k < K; k++) sum += load<f64>(row + (<usize>k << 3));
    if (sum > 0) {
      for (let k = 0; k < K; k++) store<f64>(row + (<usize>k << 3), load<f64>(row + (<usize>k << 3)) / sum);
    }
  }
}
