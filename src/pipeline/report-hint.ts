import { lowestCutoff } from './cutoff.js';

/** What a run that reported nothing tells the analyst (recorded in `<type>_summary.json` as `whenNothingReported`). */
export interface ReportHint {
  /** The day's lowest event score. */
  lowestScore: number;
  /** How many events `threshold` reports at least (the requested --maxresults, else 100, at most the day's events). */
  events: number;
  /** A threshold at or above which at least `events` events are reported. */
  threshold: number;
}

export const HINT_EVENTS = 100;

/**
 * The day's lowest event score and a threshold reporting its first N events, from the pair scores the run
 * already has. An event's score is the smallest of its slots' pair scores, so the lowest event score is the
 * lowest score of a pair the day counts, and the cut-off of cutoff.ts with no threshold is a score that at
 * least N events do not exceed.
 */
export function reportHint(scores: Float64Array, dayCounts: Float64Array, slotCount: number, maxResults: number, dayEvents: number): ReportHint | undefined {
  let lowest = Infinity;
  let highest = -Infinity;
  for (let e = 0; e < scores.length; e++) {
    if (dayCounts[e] <= 0) continue;
    if (scores[e] < lowest) lowest = scores[e];
    if (scores[e] > highest) highest = scores[e];
  }
  if (lowest === Infinity) return undefined;
  const events = Math.max(1, Math.min(maxResults > 0 ? maxResults : HINT_EVENTS, dayEvents));
  const cut = lowestCutoff(scores, dayCounts, slotCount, Infinity, events);
  return { lowestScore: lowest, events, threshold: roundUp(Number.isFinite(cut) ? cut : highest) };
}

/** x written with 3 significant digits, never below x (so the threshold still reports what it promises). */
export function roundUp(x: number): number {
  let digits = 3;
  let r = Number(x.toPrecision(digits));
  while (r < x && digits < 17) r = Number(x.toPrecision(++digits));
  return r < x ? x : r;
}
