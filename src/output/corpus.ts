import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { writeAtomically } from './atomic.js';
import { SpotError } from '../common/errors.js';
import { hugeArray } from '../lda/huge-arrays.js';

export const CORPUS_FILE = 'corpus.parquet';
export const DISTRIBUTION_FILE = 'score_distribution.json';
/** Histogram bins per power of ten of the score. */
export const BINS_PER_DECADE = 10;

/** What score_distribution.json holds: every scored event slot's log10(score), binned. */
export interface ScoreDistribution {
  /** Word slots per event (flow 2: source and destination; dns and proxy 1). */
  slotsPerEvent: number;
  /** Event slots counted (= events × slotsPerEvent). */
  slots: number;
  binsPerDecade: number;
  /** [floor(log10(score) · binsPerDecade), slots in that bin], ascending; scores of 0 are in bin -Infinity → `zero`. */
  bins: [number, number][];
  /** Slots scoring exactly 0. */
  zero: number;
}

/**
 * The per-run files the console and `spot-ml show` read beside the results:
 * - corpus.parquet (doc, word, count, score): the day's (IP, word) pairs by their ids — an IP's id is its
 *   row in model/document_topics.parquet, a word's its row in model/word_topics.parquet (explain/corpus-pairs.ts
 *   resolves them) — with the number of the day's event slots holding them and the pair's score (pairs
 *   present only through feedback are left out), in (doc, word) order. It is written from the engine's
 *   spot_corpus (the day's pairs in that order, left by buildCorpus) beside the scores of its entries, so
 *   only the scores cross into the engine and no name is joined: at 10M flows (13M pairs) handing the
 *   pairs over, joining their names or sorting them cost more than the rest of the scoring stage;
 * - score_distribution.json: a histogram of every scored event slot's log10(score).
 * An event's percentile is the share of event slots scoring at most its score (corpus.parquet, weighted by
 * count). For DNS and proxy an event is one slot, so this is exactly the share of events; for flow an event
 * is two slots and scores the smaller of the two, see docs/DECISIONS.md (Issue 12).
 */
export async function writeRunCorpus(
  engine: Engine,
  scores: Float64Array,
  dayCounts: Float64Array,
  scoredDir: string,
  slotsPerEvent: number,
): Promise<void> {
  // The corpus' entries are spot_corpus' rows in the same order, plus entries only feedback gave (no day count).
  const dayScores = dayEntries(scores, dayCounts);
  const [{ n }] = await engine.rows('SELECT count(*) AS n FROM spot_corpus');
  if (Number(n) !== dayScores.length) throw new SpotError(`internal error: ${n} day pairs in the engine, ${dayScores.length} scored`, 1);
  await engine.createTable('spot_run_scores', [{ name: 'score', type: 'DOUBLE', values: dayScores }]);
  await writeAtomically(join(scoredDir, CORPUS_FILE), (tmp) =>
    engine.writeParquet('SELECT doc, word, CAST(cnt AS BIGINT) AS count, score FROM spot_corpus POSITIONAL JOIN spot_run_scores', tmp),
  );
  await engine.exec('DROP TABLE spot_run_scores; DROP TABLE spot_corpus;');
  const distribution = scoreDistribution(scores, dayCounts, slotsPerEvent);
  await writeAtomically(join(scoredDir, DISTRIBUTION_FILE), (tmp) => writeFile(tmp, JSON.stringify(distribution) + '\n'));
}

/** The scores of the entries with a day count, in order (a typed array's filter() would box every value). */
function dayEntries(scores: Float64Array, dayCounts: Float64Array): Float64Array {
  let n = 0;
  for (let e = 0; e < dayCounts.length; e++) if (dayCounts[e] > 0) n++;
  const out = hugeArray(Float64Array, n);
  for (let e = 0, at = 0; e < dayCounts.length; e++) if (dayCounts[e] > 0) out[at++] = scores[e];
  return out;
}

export function scoreDistribution(scores: Float64Array, counts: Float64Array, slotsPerEvent: number): ScoreDistribution {
  const bins = new Map<number, number>();
  let slots = 0;
  let zero = 0;
  for (let e = 0; e < scores.length; e++) {
    const n = counts[e];
    if (!(n > 0)) continue;
    slots += n;
    if (!(scores[e] > 0)) {
      zero += n;
      continue;
    }
    const bin = Math.floor(Math.log10(scores[e]) * BINS_PER_DECADE);
    bins.set(bin, (bins.get(bin) ?? 0) + n);
  }
  return { slotsPerEvent, slots, binsPerDecade: BINS_PER_DECADE, bins: [...bins].sort((a, b) => a[0] - b[0]), zero };
}
