/**
 * The per-block work of one EM iteration (Spark's EMLDAOptimizer, Asuncion et al. 2009), run in the
 * main thread or in a worker over shared memory. One iteration is a Jacobi step: every entry's γ
 * comes from the counts of the previous iteration; the new N_w is accumulated per block into the
 * block's own partial buffer, and the caller sums the partial buffers in block order.
 */
import { Rng, Stream } from './random.js';

export interface EmArrays {
  docStart: Int32Array;
  wordIds: Int32Array;
  counts: Float64Array;
  /** N_d, docs × K; updated in place (each document only reads and writes its own row). */
  nd: Float64Array;
  /** N_w of the previous iteration, words × K; read-only during a block. */
  nw: Float64Array;
  /** blocks × words × K partial sums of the new N_w. */
  partial: Float64Array;
  /** Per topic: 1 / (N[k] + W·(β − 1)) of the previous iteration. */
  topicCoef: Float64Array;
}

export interface EmConfig {
  k: number;
  numWords: number;
  alpha: number;
  beta: number;
  seedLo: number;
  seedHi: number;
}

export class EmKernel {
  private readonly docScale: Float64Array;
  private readonly gamma: Float64Array;
  private readonly newNd: Float64Array;

  constructor(
    private readonly a: EmArrays,
    private readonly cfg: EmConfig,
  ) {
    this.docScale = new Float64Array(cfg.k);
    this.gamma = new Float64Array(cfg.k);
    this.newNd = new Float64Array(cfg.k);
  }

  /**
   * Random soft assignment of every entry of documents [docFrom, docTo) (Spark: normalised uniform
   * draws times the count, one random stream per document) into N_d and partial buffer `block`.
   */
  initBlock(block: number, docFrom: number, docTo: number): void {
    const { docStart, wordIds, counts, nd, partial } = this.a;
    const K = this.cfg.k;
    const g = this.gamma;
    const pOff = block * this.cfg.numWords * K;
    partial.fill(0, pOff, pOff + this.cfg.numWords * K);
    for (let d = docFrom; d < docTo; d++) {
      const rng = new Rng(this.cfg.seedLo, this.cfg.seedHi, Stream.emInit, d);
      const dOff = d * K;
      for (let i = docStart[d]; i < docStart[d + 1]; i++) {
        let sum = 0;
        for (let k = 0; k < K; k++) {
          g[k] = rng.nextDouble();
          sum += g[k];
        }
        const scale = counts[i] / sum;
        const p = pOff + wordIds[i] * K;
        for (let k = 0; k < K; k++) {
          const v = g[k] * scale;
          nd[dOff + k] += v;
          partial[p + k] += v;
        }
      }
    }
  }

  /**
   * Processes documents [docFrom, docTo) into partial buffer `block`; returns the log-likelihood
   * of those documents under the previous iteration's counts (Spark's DistributedLDAModel formula),
   * or 0 without its logs when `withLikelihood` is false.
   */
  iterateBlock(block: number, docFrom: number, docTo: number, withLikelihood = true): number {
    const { docStart, wordIds, counts, nd, nw, partial, topicCoef } = this.a;
    const K = this.cfg.k;
    const am1 = this.cfg.alpha - 1;
    const bm1 = this.cfg.beta - 1;
    const { docScale, gamma, newNd } = this;
    const pOff = block * this.cfg.numWords * K;
    partial.fill(0, pOff, pOff + this.cfg.numWords * K);
    let ll = 0;
    for (let d = docFrom; d < docTo; d++) {
      const start = docStart[d];
      const end = docStart[d + 1];
      if (start === end) continue;
      const dOff = d * K;
      let smoothedTotal = 0;
      for (let k = 0; k < K; k++) {
        const s = nd[dOff + k] + am1;
        smoothedTotal += s;
        docScale[k] = s * topicCoef[k];
        newNd[k] = 0;
      }
      let tokens = 0;
      for (let i = start; i < end; i++) {
        const wOff = wordIds[i] * K;
        const c = counts[i];
        let sum = 0;
        for (let k = 0; k < K; k++) {
          const g = (nw[wOff + k] + bm1) * docScale[k];
          gamma[k] = g;
          sum += g;
        }
        // sum = P(w | doc) · Σ_k (N_d[k] + α − 1) under the previous iteration's MAP estimates.
        if (withLikelihood) {
          ll += c * Math.log(sum);
          tokens += c;
        }
        const scale = c / sum;
        const p = pOff + wOff;
        for (let k = 0; k < K; k++) {
          const v = gamma[k] * scale;
          newNd[k] += v;
          partial[p + k] += v;
        }
      }
      if (withLikelihood) ll -= tokens * Math.log(smoothedTotal);
      for (let k = 0; k < K; k++) nd[dOff + k] = newNd[k];
    }
    return ll;
  }
}
