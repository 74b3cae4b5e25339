// The EM kernel of src/lda/em-kernel.ts over f64x2 lanes. Rows are `kp` = K rounded up to even doubles; the
// padding lanes of topicCoef are 0, so padded γ are 0 and every sum and row sum is unchanged by them.
// emIterate reads nwb = N_w + (β − 1), formed by the caller with the merge of the partial sums.
import { seed4, a as rngA, b as rngB, c as rngC, d as rngD } from './rng';

let docStart: usize = 0;
let wordIds: usize = 0;
let counts: usize = 0;
let nd: usize = 0;
let nw: usize = 0;
let nwb: usize = 0;
let partial: usize = 0;
let topicCoef: usize = 0;
let K: i32 = 0;
let rowBytes: usize = 0;
let blockBytes: usize = 0;
let alphaM1: f64 = 0;
let betaM1: f64 = 0;
let seedLo: u32 = 0;
let seedHi: u32 = 0;

const EM_INIT_STREAM: u32 = 1;

export function emSetup(
  docStartPtr: usize, wordIdsPtr: usize, countsPtr: usize, ndPtr: usize, nwPtr: usize, nwbPtr: usize, partialPtr: usize, topicCoefPtr: usize,
  k: i32, kp: i32, numWords: i32, alpha: f64, beta: f64, lo: u32, hi: u32,
): void {
  docStart = docStartPtr;
  wordIds = wordIdsPtr;
  counts = countsPtr;
  nd = ndPtr;
  nw = nwPtr;
  nwb = nwbPtr;
  partial = partialPtr;
  topicCoef = topicCoefPtr;
  K = k;
  rowBytes = <usize>kp << 3;
  blockBytes = <usize>numWords * rowBytes;
  alphaM1 = alpha - 1;
  betaM1 = beta - 1;
  seedLo = lo;
  seedHi = hi;
}

// @ts-ignore: decorator
@inline function docFirst(d: i32): i32 {
  return load<i32>(docStart + (<usize>d << 2));
}

/** Random soft assignment (EmKernel.initBlock); `scratch` holds kp doubles of this block's own. */
export function emInit(block: i32, docFrom: i32, docTo: i32, scratch: usize): void {
  const pBase = partial + <usize>block * blockBytes;
  memory.fill(pBase, 0, blockBytes);
  for (let d = docFrom; d < docTo; d++) {
    seed4(seedLo, seedHi, EM_INIT_STREAM, <u32>d);
    // rng.ts's nextDouble with the generator's state in locals.
    let sa = rngA;
    let sb = rngB;
    let sc = rngC;
    let sd = rngD;
    const dRow = nd + <usize>d * rowBytes;
    const end = docFirst(d + 1);
    for (let i = docFirst(d); i < end; i++) {
      let sum: f64 = 0;
      for (let k = 0; k < K; k++) {
        const hi = rotl<u32>(sb * 5, 7) * 9;
        let t = sb << 9;
        sc ^= sa;
        sd ^= sb;
        sb ^= sc;
        sa ^= sd;
        sc ^= t;
        sd = rotl<u32>(sd, 11);
        const lo = rotl<u32>(sb * 5, 7) * 9;
        t = sb << 9;
        sc ^= sa;
        sd ^= sb;
        sb ^= sc;
        sa ^= sd;
        sc ^= t;
        sd = rotl<u32>(sd, 11);
        const g = (<f64>(hi >>> 5) * 67108864.0 + <f64>(lo >>> 6)) * 1.1102230246251565e-16; // exactly / 2^53
        store<f64>(scratch + (<usize>k << 3), g);
        sum += g;
      }
      const scale = load<f64>(counts + (<usize>i << 3)) / sum;
      const pRow = pBase + <usize>load<i32>(wordIds + (<usize>i << 2)) * rowBytes;
      for (let k = 0; k < K; k++) {
        const off = <usize>k << 3;
        const v = load<f64>(scratch + off) * scale;
        store<f64>(dRow + off, load<f64>(dRow + off) + v);
        store<f64>(pRow + off, load<f64>(pRow + off) + v);
      }
    }
  }
}

/**
 * One Jacobi step over documents [docFrom, docTo) into partial buffer `block` (EmKernel.iterateBlock).
 * `scratch` holds 3·kp doubles of this block's own (docScale, γ, new N_d). Returns the log-likelihood
 * when `withLikelihood`, else 0: the per-entry log is replaced by a running product of the sums, kept in
 * range by moving its binary exponent into an integer (one log per document instead of one per entry).
 */
export function emIterate(block: i32, docFrom: i32, docTo: i32, scratch: usize, withLikelihood: bool): f64 {
  const pBase = partial + <usize>block * blockBytes;
  memory.fill(pBase, 0, blockBytes);
  const docScale = scratch;
  const gamma = scratch + rowBytes;
  const newNd = scratch + 2 * rowBytes;
  const am1 = f64x2.splat(alphaM1);
  const zero = f64x2.splat(0);
  let ll: f64 = 0;
  for (let d = docFrom; d < docTo; d++) {
    const start = docFirst(d);
    const end = docFirst(d + 1);
    if (start == end) continue;
    const dRow = nd + <usize>d * rowBytes;
    for (let o: usize = 0; o < rowBytes; o += 16) {
      const s = f64x2.add(v128.load(dRow + o), am1);
      v128.store(docScale + o, f64x2.mul(s, v128.load(topicCoef + o)));
      v128.store(newNd + o, zero);
    }
    let tokens: f64 = 0;
    let product: f64 = 1;
    let exponent: i64 = 0;
    let otherLog: f64 = 0;
    for (let i = start; i < end; i++) {
      const wOff = <usize>load<i32>(wordIds + (<usize>i << 2)) * rowBytes;
      const wRow = nwb + wOff;
      const c = load<f64>(counts + (<usize>i << 3));
      let s0 = zero;
      let s1 = zero;
      let o: usize = 0;
      for (; o + 32 <= rowBytes; o += 32) {
        const g0 = f64x2.mul(v128.load(wRow + o), v128.load(docScale + o));
        const g1 = f64x2.mul(v128.load(wRow + o + 16), v128.load(docScale + o + 16));
        v128.store(gamma + o, g0);
        v128.store(gamma + o + 16, g1);
        s0 = f64x2.add(s0, g0);
        s1 = f64x2.add(s1, g1);
      }
      if (o < rowBytes) {
        const g0 = f64x2.mul(v128.load(wRow + o), v128.load(docScale + o));
        v128.store(gamma + o, g0);
        s0 = f64x2.add(s0, g0);
      }
      const lanes = f64x2.add(s0, s1);
      const sum = f64x2.extract_lane(lanes, 0) + f64x2.extract_lane(lanes, 1);
      if (withLikelihood) {
        tokens += c;
        if (c == 1) {
          product *= sum;
          const bits = reinterpret<i64>(product);
          exponent += ((bits >>> 52) & 0x7ff) - 1023;
          product = reinterpret<f64>((bits & 0x800fffffffffffff) | 0x3ff0000000000000);
        } else {
          otherLog += c * Math.log(sum);
        }
      }
      const scale = f64x2.splat(c / sum);
      const pRow = pBase + wOff;
      let q: usize = 0;
      for (; q + 32 <= rowBytes; q += 32) {
        const v0 = f64x2.mul(v128.load(gamma + q), scale);
        const v1 = f64x2.mul(v128.load(gamma + q + 16), scale);
        v128.store(newNd + q, f64x2.add(v128.load(newNd + q), v0));
        v128.store(newNd + q + 16, f64x2.add(v128.load(newNd + q + 16), v1));
        v128.store(pRow + q, f64x2.add(v128.load(pRow + q), v0));
        v128.store(pRow + q + 16, f64x2.add(v128.load(pRow + q + 16), v1));
      }
      if (q < rowBytes) {
        const v = f64x2.mul(v128.load(gamma + q), scale);
        v128.store(newNd + q, f64x2.add(v128.load(newNd + q), v));
        v128.store(pRow + q, f64x2.add(v128.load(pRow + q), v));
      }
    }
    if (withLikelihood) {
      let total: f64 = 0;
      for (let k = 0; k < K; k++) total += load<f64>(dRow + (<usize>k << 3)) + alphaM1;
      ll += Math.log(product) + <f64>exponent * Math.LN2 + otherLog - tokens * Math.log(total);
    }
    memory.copy(dRow, newNd, rowBytes);
  }
  return ll;
}
