/**
 * The parallel parts of online variational Bayes LDA (Hoffman, Blei & Bach 2010, as Spark's
 * OnlineLDAOptimizer), run in the main thread or in a worker over shared memory:
 * the per-document E-step over a block of a mini-batch, and element-wise word-range updates of λ.
 * Reductions are always into per-block buffers, summed by the caller in block order.
 */
import { Rng, Stream } from './random.js';
import { digamma } from './special.js';

export interface OnlineArrays {
  docStart: Int32Array;
  wordIds: Int32Array;
  counts: Float64Array;
  /** λ, words × K. */
  lambda: Float64Array;
  /** exp(E[log β]) = exp(ψ(λ[w][k]) − ψ(Σ_w' λ[w'][k])), words × K. */
  expElogbeta: Float64Array;
  /** ψ(Σ_w λ[w][k]) per topic. */
  topicDigamma: Float64Array;
  /** Current document concentration α, per topic. */
  alpha: Float64Array;
  /** Document order of the current pass (the mini-batches are consecutive runs of it). */
  order: Int32Array;
  /** blocks × words × K partial sufficient statistics of the mini-batch. */
  stat: Float64Array;
  /** blocks × K partial sums of E[log θ_d] over the mini-batch's documents. */
  logphat: Float64Array;
  /** wordBlocks × K partial sums of λ over words. */
  lambdaSums: Float64Array;
  /** Final normalised γ per document, docs × K. */
  theta: Float64Array;
}

export interface OnlineConfig {
  k: number;
  numWords: number;
  seedLo: number;
  seedHi: number;
  blocks: number;
}

export interface EStepResult {
  docs: number;
  tokens: number;
  /** Σ count · log Σ_k exp(E[log θ_dk] + E[log β_kw]) — the data term of the bound. */
  logSum: number;
}

const GAMMA_SHAPE = 100;
const MAX_ESTEP = 100;
const ESTEP_TOL = 1e-3;

export class OnlineKernel {
  private readonly gamma: Float64Array;
  private readonly expElogtheta: Float64Array;
  private readonly acc: Float64Array;
  private readonly phiNorm: Float64Array;
  private readonly ratio: Float64Array;
  private readonly rowOff: Int32Array;

  constructor(
    private readonly a: OnlineArrays,
    private readonly cfg: OnlineConfig,
  ) {
    const K = cfg.k;
    this.gamma = new Float64Array(K);
    this.expElogtheta = new Float64Array(K);
    this.acc = new Float64Array(K);
    let maxLen = 0;
    for (let d = 0; d + 1 < a.docStart.length; d++) {
      maxLen = Math.max(maxLen, a.docStart[d + 1] - a.docStart[d]);
    }
    this.phiNorm = new Float64Array(maxLen);
    this.ratio = new Float64Array(maxLen);
    this.rowOff = new Int32Array(maxLen);
  }

  /**
   * λ ← (1 − ρ)·λ + ρ·(η + scale · Σ_blocks stat) for words [wFrom, wTo), and the partial topic
   * sums of the new λ over those words into lambdaSums row `wordBlock`.
   */
  updateLambda(wordBlock: number, wFrom: number, wTo: number, rho: number, eta: number, scale: number): void {
    const { lambda, stat, lambdaSums } = this.a;
    const K = this.cfg.k;
    const blockSize = this.cfg.numWords * K;
    const blocks = this.cfg.blocks;
    const sOff = wordBlock * K;
    for (let k = 0; k < K; k++) lambdaSums[sOff + k] = 0;
    for (let i = wFrom * K, end = wTo * K; i < end; ) {
      for (let k = 0; k < K; k++, i++) {
        let s = stat[i];
        for (let b = 1; b < blocks; b++) s += stat[b * blockSize + i];
        const v = (1 - rho) * lambda[i] + rho * (eta + scale * s);
        lambda[i] = v;
        lambdaSums[sOff + k] += v;
      }
    }
  }

  /** Topic sums of λ over words [wFrom, wTo) into lambdaSums row `wordBlock`. */
  sumLambda(wordBlock: number, wFrom: number, wTo: number): void {
    const { lambda, lambdaSums } = this.a;
    const K = this.cfg.k;
    const sOff = wordBlock * K;
    for (let k = 0; k < K; k++) lambdaSums[sOff + k] = 0;
    for (let i = wFrom * K, end = wTo * K; i < end; ) {
      for (let k = 0; k < K; k++, i++) lambdaSums[sOff + k] += lambda[i];
    }
  }

  /** expElogbeta for words [wFrom, wTo). */
  expElogbetaRange(wFrom: number, wTo: number): void {
    const { lambda, expElogbeta, topicDigamma } = this.a;
    const K = this.cfg.k;
    for (let i = wFrom * K, end = wTo * K; i < end; ) {
      for (let k = 0; k < K; k++, i++) expElogbeta[i] = Math.exp(digamma(lambda[i]) - topicDigamma[k]);
    }
  }

  /**
   * E-step for the documents order[posFrom .. posTo) of mini-batch `step`, accumulating the
   * sufficient statistics and E[log θ] sums into block `block`.
   */
  trainBlock(block: number, posFrom: number, posTo: number, step: number, withLikelihood = true): EStepResult {
    const { order, stat, logphat, docStart } = this.a;
    const K = this.cfg.k;
    const sOff = block * this.cfg.numWords * K;
    stat.fill(0, sOff, sOff + this.cfg.numWords * K);
    const lOff = block * K;
    for (let k = 0; k < K; k++) logphat[lOff + k] = 0;
    const result: EStepResult = { docs: 0, tokens: 0, logSum: 0 };
    for (let p = posFrom; p < posTo; p++) {
      const d = order[p];
      if (docStart[d] === docStart[d + 1]) continue;
      this.inferDoc(d, new Rng(this.cfg.seedLo, this.cfg.seedHi, Stream.gammaInit, step, d), result, withLikelihood);
      this.accumulate(d, sOff, lOff);
    }
    return result;
  }

  /** Final E-step under the current λ and α for documents [docFrom, docTo): θ = normalised γ. `block` names the caller's scratch. */
  thetaBlock(docFrom: number, docTo: number, _block = 0): EStepResult {
    const { theta, docStart } = this.a;
    const K = this.cfg.k;
    const { gamma } = this;
    const result: EStepResult = { docs: 0, tokens: 0, logSum: 0 };
    for (let d = docFrom; d < docTo; d++) {
      const off = d * K;
      if (docStart[d] === docStart[d + 1]) {
        for (let k = 0; k < K; k++) theta[off + k] = 0;
        continue;
      }
      this.inferDoc(d, new Rng(this.cfg.seedLo, this.cfg.seedHi, Stream.thetaGammaInit, d), result, false);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += gamma[k];
      for (let k = 0; k < K; k++) theta[off + k] = gamma[k] / sum;
    }
    return result;
  }

  /** Variational inference of γ for document d (Spark's variationalTopicInference). */
  private inferDoc(d: number, rng: Rng, result: EStepResult, withLikelihood: boolean): void {
    const { docStart, counts, alpha } = this.a;
    const K = this.cfg.k;
    const { gamma, expElogtheta, acc, phiNorm } = this;
    const start = docStart[d];
    const n = docStart[d + 1] - start;
    for (let k = 0; k < K; k++) gamma[k] = rng.nextGamma(GAMMA_SHAPE, 1 / GAMMA_SHAPE);
    this.updateExpElogtheta();
    this.updatePhiNorm(start, n);
    for (let step = 0; step < MAX_ESTEP; step++) {
      // γ ← α + exp(E[log θ]) ⊙ Σ_i (c_i / phiNorm_i) · exp(E[log β_{w_i}]), with acc the Σ_i.
      let change = 0;
      for (let k = 0; k < K; k++) {
        const g = expElogtheta[k] * acc[k] + alpha[k];
        change += Math.abs(g - gamma[k]);
        gamma[k] = g;
      }
      this.updateExpElogtheta();
      this.updatePhiNorm(start, n);
      if (change / K <= ESTEP_TOL) break;
    }
    result.docs++;
    if (!withLikelihood) return;
    let tokens = 0;
    let logSum = 0;
    for (let i = 0; i < n; i++) {
      const c = counts[start + i];
      tokens += c;
      logSum += c * Math.log(phiNorm[i]);
    }
    result.tokens += tokens;
    result.logSum += logSum;
  }

  private updateExpElogtheta(): void {
    const { gamma, expElogtheta } = this;
    const K = this.cfg.k;
    let sum = 0;
    for (let k = 0; k < K; k++) sum += gamma[k];
    const dsum = digamma(sum);
    for (let k = 0; k < K; k++) expElogtheta[k] = Math.exp(digamma(gamma[k]) - dsum);
  }

  /** phiNorm_i = Σ_k exp(E[log θ_k] + E[log β_{k,w_i}]) for the doc's entries, and acc (see inferDoc). */
  private updatePhiNorm(start: number, n: number): void {
    const { wordIds, counts, expElogbeta } = this.a;
    const { expElogtheta, phiNorm, acc, ratio, rowOff } = this;
    const K = this.cfg.k;
    for (let i = 0; i < n; i++) {
      const wOff = wordIds[start + i] * K;
      rowOff[i] = wOff;
      let s = 1e-100;
      for (let k = 0; k < K; k++) s += expElogbeta[wOff + k] * expElogtheta[k];
      phiNorm[i] = s;
      ratio[i] = counts[start + i] / s;
    }
    // Topic-major so that each sum stays in a register.
    for (let k = 0; k < K; k++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += ratio[i] * expElogbeta[rowOff[i] + k];
      acc[k] = sum;
    }
  }

  /** Adds document d's sufficient statistics and E[log θ_d] (state left by inferDoc(d)) to a block. */
  private accumulate(d: number, sOff: number, lOff: number): void {
    const { docStart, expElogbeta, stat, logphat } = this.a;
    const K = this.cfg.k;
    const { gamma, expElogtheta, ratio, rowOff } = this;
    const n = docStart[d + 1] - docStart[d];
    for (let i = 0; i < n; i++) {
      const r = ratio[i];
      const wOff = rowOff[i];
      const p = sOff + wOff;
      for (let k = 0; k < K; k++) stat[p + k] += expElogtheta[k] * r * expElogbeta[wOff + k];
    }
    let sum = 0;
    for (let k = 0; k < K; k++) sum += gamma[k];
    const dsum = digamma(sum);
    for (let k = 0; k < K; k++) logphat[lOff + k] += digamma(gamma[k]) - dsum;
  }

}
