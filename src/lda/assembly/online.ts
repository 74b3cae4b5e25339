// The online variational Bayes E-step of src/lda/online-kernel.ts over f64x2 lanes. Rows of expElogbeta and
// stat are K doubles apart (pairs of topics in lanes, an odd last topic alone); per-block scratch holds
// γ, exp(E[log θ]) and the Σ_i of the γ update (K rounded up to even each), then phiNorm, ratio and the
// row addresses of the document's entries (maxLen each), then the block's EStepResult (3 doubles): in all
// onlineScratchBytes (src/lda/online-wasm.ts) bytes.
import { seed4, seed5, nextGamma } from './rng';
import { digamma, digamma2, expDigammaMinus, expDigammaMinusPair, pairA, pairB } from './special';

let docStart: usize = 0;
let wordIds: usize = 0;
let counts: usize = 0;
let expElogbeta: usize = 0;
let alpha: usize = 0;
let order: usize = 0;
let stat: usize = 0;
let logphat: usize = 0;
let theta: usize = 0;
let K: i32 = 0;
let rowBytes: usize = 0;
let pairBytes: usize = 0;
let vecBytes: usize = 0;
let statBytes: usize = 0;
let maxLen: usize = 0;
let seedLo: u32 = 0;
let seedHi: u32 = 0;

let gamma: usize = 0;
let et: usize = 0;
let acc: usize = 0;
let phiNorm: usize = 0;
let ratio: usize = 0;
let rowAt: usize = 0;
let result: usize = 0;

const GAMMA_INIT_STREAM: u32 = 4;
const THETA_GAMMA_INIT_STREAM: u32 = 5;
const GAMMA_SHAPE: f64 = 100;
const MAX_ESTEP = 100;
const ESTEP_TOL: f64 = 1e-3;

export function onlineSetup(
  docStartPtr: usize, wordIdsPtr: usize, countsPtr: usize, expElogbetaPtr: usize, alphaPtr: usize, orderPtr: usize,
  statPtr: usize, logphatPtr: usize, thetaPtr: usize, k: i32, numWords: i32, longestDoc: i32, lo: u32, hi: u32,
): void {
  docStart = docStartPtr;
  wordIds = wordIdsPtr;
  counts = countsPtr;
  expElogbeta = expElogbetaPtr;
  alpha = alphaPtr;
  order = orderPtr;
  stat = statPtr;
  logphat = logphatPtr;
  theta = thetaPtr;
  K = k;
  rowBytes = <usize>k << 3;
  pairBytes = <usize>(k & ~1) << 3;
  vecBytes = <usize>(k + (k & 1)) << 3;
  statBytes = <usize>numWords * rowBytes;
  maxLen = <usize>longestDoc;
  seedLo = lo;
  seedHi = hi;
}

function useScratch(scratch: usize): void {
  gamma = scratch;
  et = gamma + vecBytes;
  acc = et + vecBytes;
  phiNorm = acc + vecBytes;
  ratio = phiNorm + (maxLen << 3);
  rowAt = ratio + (maxLen << 3);
  result = (rowAt + (maxLen << 2) + 15) & ~15;
  store<f64>(result, 0);
  store<f64>(result, 0, 8);
  store<f64>(result, 0, 16);
}

// @ts-ignore: decorator
@inline function f64At(base: usize, k: i32): f64 {
  return load<f64>(base + (<usize>k << 3));
}

/** Σ_k γ in topic order (as the JavaScript kernel adds them). */
function gammaSum(): f64 {
  let sum: f64 = 0;
  for (let k = 0; k < K; k++) sum += f64At(gamma, k);
  return sum;
}

/** exp(E[log θ]) = exp(ψ(γ_k) − ψ(Σ γ)). */
function updateExpElogtheta(): void {
  const dsum = f64x2.splat(digamma(gammaSum()));
  let o: usize = 0;
  for (; o + 32 <= vecBytes; o += 32) {
    expDigammaMinusPair(v128.load(gamma + o), v128.load(gamma + o + 16), dsum, dsum);
    v128.store(et + o, pairA);
    v128.store(et + o + 16, pairB);
  }
  if (o < vecBytes) v128.store(et + o, expDigammaMinus(v128.load(gamma + o), dsum));
}

/** phiNorm_i = Σ_k exp(E[log θ_k] + E[log β_k,w_i]), ratio_i = c_i / phiNorm_i, acc = Σ_i ratio_i · exp(E[log β_w_i]). */
function updatePhiNorm(start: i32, n: i32): void {
  const zero = f64x2.splat(0);
  for (let o: usize = 0; o < vecBytes; o += 16) v128.store(acc + o, zero);
  const odd = pairBytes < rowBytes;
  for (let i = 0; i < n; i++) {
    const row = expElogbeta + <usize>load<i32>(wordIds + (<usize>(start + i) << 2)) * rowBytes;
    store<u32>(rowAt + (<usize>i << 2), <u32>row);
    let s0 = zero;
    let s1 = zero;
    let o: usize = 0;
    for (; o + 32 <= pairBytes; o += 32) {
      s0 = f64x2.add(s0, f64x2.mul(v128.load(row + o), v128.load(et + o)));
      s1 = f64x2.add(s1, f64x2.mul(v128.load(row + o + 16), v128.load(et + o + 16)));
    }
    if (o < pairBytes) s0 = f64x2.add(s0, f64x2.mul(v128.load(row + o), v128.load(et + o)));
    const lanes = f64x2.add(s0, s1);
    let s = 1e-100 + f64x2.extract_lane(lanes, 0) + f64x2.extract_lane(lanes, 1);
    if (odd) s += load<f64>(row + pairBytes) * load<f64>(et + pairBytes);
    store<f64>(phiNorm + (<usize>i << 3), s);
    const r = load<f64>(counts + (<usize>(start + i) << 3)) / s;
    store<f64>(ratio + (<usize>i << 3), r);
    const rv = f64x2.splat(r);
    for (let q: usize = 0; q < pairBytes; q += 16) {
      v128.store(acc + q, f64x2.add(v128.load(acc + q), f64x2.mul(rv, v128.load(row + q))));
    }
    if (odd) store<f64>(acc + pairBytes, load<f64>(acc + pairBytes) + r * load<f64>(row + pairBytes));
  }
}

/** Variational inference of γ for document d (OnlineKernel.inferDoc); γ starts from the current stream. */
function inferDoc(d: i32, withLikelihood: bool): void {
  const start = load<i32>(docStart + (<usize>d << 2));
  const n = load<i32>(docStart + (<usize>(d + 1) << 2)) - start;
  for (let k = 0; k < K; k++) store<f64>(gamma + (<usize>k << 3), nextGamma(GAMMA_SHAPE, 1 / GAMMA_SHAPE));
  updateExpElogtheta();
  updatePhiNorm(start, n);
  for (let step = 0; step < MAX_ESTEP; step++) {
    let change: f64 = 0;
    for (let k = 0; k < K; k++) {
      const off = <usize>k << 3;
      const g = load<f64>(et + off) * load<f64>(acc + off) + load<f64>(alpha + off);
      change += Math.abs(g - load<f64>(gamma + off));
      store<f64>(gamma + off, g);
    }
    updateExpElogtheta();
    updatePhiNorm(start, n);
    if (change / <f64>K <= ESTEP_TOL) break;
  }
  store<f64>(result, load<f64>(result) + 1);
  if (withLikelihood) {
    let tokens: f64 = 0;
    let logSum: f64 = 0;
    for (let i = 0; i < n; i++) {
      const c = load<f64>(counts + (<usize>(start + i) << 3));
      tokens += c;
      logSum += c * Math.log(load<f64>(phiNorm + (<usize>i << 3)));
    }
    store<f64>(result, load<f64>(result, 8) + tokens, 8);
    store<f64>(result, load<f64>(result, 16) + logSum, 16);
  }
}

/** Adds document d's sufficient statistics and E[log θ_d] (left by inferDoc) to the block's buffers. */
function accumulate(n: i32, sBase: usize, lBase: usize): void {
  const odd = pairBytes < rowBytes;
  for (let i = 0; i < n; i++) {
    const r = f64x2.splat(load<f64>(ratio + (<usize>i << 3)));
    const row = <usize>load<u32>(rowAt + (<usize>i << 2));
    const p = sBase + (row - expElogbeta);
    for (let q: usize = 0; q < pairBytes; q += 16) {
      v128.store(p + q, f64x2.add(v128.load(p + q), f64x2.mul(f64x2.mul(v128.load(et + q), r), v128.load(row + q))));
    }
    if (odd) {
      store<f64>(p + pairBytes, load<f64>(p + pairBytes) + load<f64>(et + pairBytes) * f64x2.extract_lane(r, 0) * load<f64>(row + pairBytes));
    }
  }
  const dsum = f64x2.splat(digamma(gammaSum()));
  for (let o: usize = 0; o < pairBytes; o += 16) {
    v128.store(lBase + o, f64x2.add(v128.load(lBase + o), f64x2.sub(digamma2(v128.load(gamma + o)), dsum)));
  }
  if (pairBytes < rowBytes) {
    const last = f64x2.extract_lane(f64x2.sub(digamma2(v128.load(gamma + pairBytes)), dsum), 0);
    store<f64>(lBase + pairBytes, load<f64>(lBase + pairBytes) + last);
  }
}

/**
 * E-step for the documents order[posFrom .. posTo) of mini-batch `step` into block `block`
 * (OnlineKernel.trainBlock); the EStepResult is left at the returned address (docs, tokens, logSum).
 */
export function onlineTrain(block: i32, posFrom: i32, posTo: i32, step: u32, scratch: usize, withLikelihood: bool): usize {
  useScratch(scratch);
  const sBase = stat + <usize>block * statBytes;
  memory.fill(sBase, 0, statBytes);
  const lBase = logphat + <usize>block * rowBytes;
  memory.fill(lBase, 0, rowBytes);
  for (let p = posFrom; p < posTo; p++) {
    const d = load<i32>(order + (<usize>p << 2));
    const start = load<i32>(docStart + (<usize>d << 2));
    const end = load<i32>(docStart + (<usize>(d + 1) << 2));
    if (start == end) continue;
    seed5(seedLo, seedHi, GAMMA_INIT_STREAM, step, <u32>d);
    inferDoc(d, withLikelihood);
    accumulate(end - start, sBase, lBase);
  }
  return result;
}

/** Final E-step for documents [docFrom, docTo): θ = normalised γ (OnlineKernel.thetaBlock). */
export function onlineTheta(docFrom: i32, docTo: i32, scratch: usize): usize {
  useScratch(scratch);
  for (let d = docFrom; d < docTo; d++) {
    const row = theta + <usize>d * rowBytes;
    if (load<i32>(docStart + (<usize>d << 2)) == load<i32>(docStart + (<usize>(d + 1) << 2))) {
      memory.fill(row, 0, rowBytes);
      continue;
    }
    seed4(seedLo, seedHi, THETA_GAMMA_INIT_STREAM, <u32>d);
    inferDoc(d, false);
    const sum = gammaSum();
    for (let k = 0; k < K; k++) store<f64>(row + (<usize>k << 3), f64At(gamma, k) / sum);
  }
  return result;
}

/** expElogbeta = exp(ψ(λ) − ψ(Σ_w λ)) for words [wFrom, wTo) (OnlineKernel.expElogbetaRange). */
export function onlineExpElogbeta(wFrom: i32, wTo: i32, lambda: usize, topicDigamma: usize): void {
  for (let w = wFrom; w < wTo; w++) {
    const off = <usize>w * rowBytes;
    let o: usize = 0;
    for (; o + 32 <= pairBytes; o += 32) {
      const at = lambda + off + o;
      expDigammaMinusPair(v128.load(at), v128.load(at + 16), v128.load(topicDigamma + o), v128.load(topicDigamma + o + 16));
      v128.store(expElogbeta + off + o, pairA);
      v128.store(expElogbeta + off + o + 16, pairB);
    }
    if (o < pairBytes) v128.store(expElogbeta + off + o, expDigammaMinus(v128.load(lambda + off + o), v128.load(topicDigamma + o)));
    if (pairBytes < rowBytes) {
      const v = expDigammaMinus(f64x2.splat(load<f64>(lambda + off + pairBytes)), f64x2.splat(load<f64>(topicDigamma + pairBytes)));
      store<f64>(expElogbeta + off + pairBytes, f64x2.extract_lane(v, 0));
    }
  }
}
