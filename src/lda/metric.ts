/** When the LDA metric (em: log-likelihood, online: perplexity) is computed, and how a progress line shows it. */
import type { LdaParams } from './types.js';

/** The pipeline's choice: the metric of the last iteration only (its logs cost about a third of an em iteration). */
export const metricOnLastIteration = (iteration: number, total: number): boolean => iteration === total;

/** Whether iteration `iteration` computes the metric for `params`. */
export function metricRead(params: LdaParams, iteration: number): boolean {
  return params.onIteration !== undefined && (params.metricAt?.(iteration, params.maxIterations) ?? true);
}

/** A progress detail: the metric when it was computed, else nothing. */
export function metricText(name: string, value: number): string {
  return Number.isNaN(value) ? '' : `${name} ${value.toPrecision(8)}`;
}
