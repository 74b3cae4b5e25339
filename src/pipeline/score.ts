import { sqlIdent, type Engine } from '../engine/engine.js';
import type { Corpus, LdaModel } from '../lda/types.js';
import type { Analysis, AnalysisOptions, WordKeys, WordSlot } from './analysis.js';
import { lowestCutoff } from './cutoff.js';
import { collectCandidates, slotColumns } from './candidates.js';
import { entryDocs } from '../lda/entry-docs.js';
import { hugeArray } from '../lda/huge-arrays.js';
import type { ReportHint } from './report-hint.js';

/** Score of document d and word w (SPEC §8): Σ_k θ[d][k]·φ[k][w]. */
function pairScore(model: LdaModel, doc: number, word: number): number {
  const { k, theta, phi } = model;
  const t = doc * k;
  const p = word * k;
  let s = 0;
  for (let j = 0; j < k; j++) s += theta[t + j] * phi[p + j];
  return s;
}

/** The score of every corpus entry, aligned with corpus.wordIds. */
export function corpusScores(corpus: Corpus, model: LdaModel): Float64Array {
  const scores = hugeArray(Float64Array, corpus.wordIds.length);
  for (let d = 0; d < corpus.numDocs; d++) {
    for (let e = corpus.docStart[d]; e < corpus.docStart[d + 1]; e++) scores[e] = pairScore(model, d, corpus.wordIds[e]);
  }
  return scores;
}

export interface ScoringInput {
  corpus: Corpus;
  model: LdaModel;
  /** corpusScores(corpus, model). */
  scores: Float64Array;
  /** Per corpus entry, the day's event slots it counts (CorpusBuild.dayCounts). */
  dayCounts: Float64Array;
  /** The word keys the corpus was counted by, if any (spot_word_keys maps them to word ids). */
  keys?: WordKeys;
}

export interface ScoredEvents {
  /** SQL over the scored events (see scoredEventsRelation). */
  sql: string;
  /** How many events were scored for the results when only the candidates were; undefined when every event was. */
  candidates?: number;
  /** When nothing is reported, the hint for the summary if the mode's scores are not Spot's pair scores. */
  hint?: () => Promise<ReportHint | undefined>;
  /** Writes the explanation of the reported events' scores into the run's folder, when the mode has one (robust: parts.ts). */
  explain?: (dir: string) => Promise<number>;
}

/**
 * Defines how the day's events are scored for the results and returns SQL over them: every column of
 * `resultColumns`, `score` (the smallest of its slots' pair scores; an IP or word absent from the model
 * scores 0, an event whose word could not be formed -1), `spot_file` and `spot_row`.
 *
 * When at most `maxResults` events are wanted, or few pairs score within the threshold, only the events
 * that can be reported are scored: an event's score is at most a cut-off c only when one of its pairs
 * scores at most c, so the events having such a pair (the candidates) are featurised again and scored,
 * and the results are exactly those of scoring every event (see cutoff.ts for c). Otherwise every event
 * is scored by joining it to a table of all pair scores.
 */
export async function scoredEventsRelation(
  engine: Engine,
  analysis: Analysis,
  options: AnalysisOptions,
  input: ScoringInput,
  threshold: number,
  maxResults: number,
): Promise<ScoredEvents> {
  const slots = analysis.wordSlots;
  const { corpus, scores, dayCounts } = input;
  const cut = lowestCutoff(scores, dayCounts, slots.length, threshold, maxResults);
  if (!(await collectCandidates(engine, analysis, options, input, cut))) {
    await createPairScoreTable(engine, corpus, scores);
    return { sql: scoredEventsSql(slots, analysis.resultColumns, `SELECT *, ${slotColumns(slots)} FROM featured_view WHERE spot_clean`) };
  }
  const candidates = await scoreCandidatePairs(engine, input.model, slots.length);
  return { sql: scoredEventsSql(slots, analysis.resultColumns, 'SELECT * FROM spot_candidates'), candidates };
}

/** spot_pair_score(doc, word, score) for the (ip, word) pairs of spot_candidates, scored in JavaScript; returns the candidates' count. */
async function scoreCandidatePairs(engine: Engine, model: LdaModel, slotCount: number): Promise<number> {
  const [{ events }] = await engine.rows('SELECT count(*) AS events FROM spot_candidates');
  const pairs = Array.from({ length: slotCount }, (_, i) => `SELECT spot_ip${i} AS ip, spot_w${i} AS word FROM spot_candidates`);
  // At most one distinct pair per candidate and slot.
  const docs = new Int32Array(Number(events) * slotCount);
  const words = new Int32Array(docs.length);
  const scores = new Float64Array(docs.length);
  let at = 0;
  await engine.streamColumns(
    `SELECT d.id, v.id FROM (${pairs.join(' UNION ')}) p JOIN spot_docs d USING (ip) JOIN spot_vocab v USING (word)`,
    (cols, rows) => {
      const [ds, ws] = cols as [number[], number[]];
      for (let i = 0; i < rows; i++, at++) {
        docs[at] = ds[i];
        words[at] = ws[i];
        scores[at] = pairScore(model, ds[i], ws[i]);
      }
    },
  );
  await engine.createTable('spot_pair_score', [
    { name: 'doc', type: 'INTEGER', values: docs.subarray(0, at) },
    { name: 'word', type: 'INTEGER', values: words.subarray(0, at) },
    { name: 'score', type: 'DOUBLE', values: scores.subarray(0, at) },
  ]);
  return Number(events);
}

/** spot_pair_score(doc, word, score) for every corpus entry. */
async function createPairScoreTable(engine: Engine, corpus: Corpus, scores: Float64Array): Promise<void> {
  await engine.createTable('spot_pair_score', [
    { name: 'doc', type: 'INTEGER', values: entryDocs(corpus) },
    { name: 'word', type: 'INTEGER', values: corpus.wordIds },
    { name: 'score', type: 'DOUBLE', values: scores },
  ]);
}

/** Scores the events of `eventsSql` (result columns, spot_file, spot_row, spot_ip<i>, spot_w<i>) through spot_pair_score. */
function scoredEventsSql(slots: readonly WordSlot[], resultColumns: readonly string[], eventsSql: string): string {
  const joins = slots
    .map(
      (_, i) => `LEFT JOIN spot_docs d${i} ON d${i}.ip = e.spot_ip${i} LEFT JOIN spot_vocab v${i} ON v${i}.word = e.spot_w${i}
      LEFT JOIN spot_pair_score s${i} ON s${i}.doc = d${i}.id AND s${i}.word = v${i}.id`,
    )
    .join('\n');
  const anyMissing = slots.map((_, i) => `e.spot_w${i} IS NULL`).join(' OR ');
  const least = slots.map((_, i) => `coalesce(s${i}.score, 0)`).join(', ');
  const score = slots.length > 1 ? `least(${least})` : least;
  const cols = resultColumns.map((c) => `e.${sqlIdent(c)}`).join(', ');
  return `SELECT ${cols}, CASE WHEN ${anyMissing} THEN -1 ELSE ${score} END AS score, e.spot_file, e.spot_row
    FROM (${eventsSql}) e ${joins}`;
}
