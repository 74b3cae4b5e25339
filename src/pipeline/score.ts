import type { Engine } from '../engine/engine.js';
import type { Corpus, LdaModel } from '../lda/types.js';
import type { Analysis, AnalysisOptions, WordKeys, WordSlot } from './analysis.js';
import { lowestCutoff } from './cutoff.js';

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
  const scores = new Float64Array(corpus.wordIds.length);
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
  const low = lowEntries(corpus, scores, dayCounts, cut, slots.length);
  if (low === undefined) {
    await createPairScoreTable(engine, corpus, scores);
    return { sql: scoredEventsSql(slots, analysis.resultColumns, `SELECT *, ${slotColumns(slots)} FROM featured_view WHERE spot_clean`) };
  }
  await engine.createTable('spot_low_ids', [
    { name: 'doc', type: 'INTEGER', values: low.docs },
    { name: 'word', type: 'INTEGER', values: low.words },
  ]);
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE spot_low AS
    SELECT d.ip, v.word, k.wkey FROM spot_low_ids l JOIN spot_docs d ON d.id = l.doc JOIN spot_vocab v ON v.id = l.word
    JOIN spot_word_keys k ON k.id = l.word;
    DROP TABLE spot_low_ids;`);
  const includeNullIp = 0 <= cut;
  // Finding them by key scans the whole day; by address, only the events of the addresses involved.
  const byKey = input.keys && low.addressShare > 0.5 ? input.keys : undefined;
  const relation = await candidateRelation(engine, analysis, options, byKey, includeNullIp);
  // A semi-join on a hash of (ip, word) keeps the scan a plain probe; the exact check then runs on the few rows kept.
  const allWords = slots.map((_, i) => `spot_w${i} IS NOT NULL`).join(' AND ');
  const byHash = slots.map((_, i) => `hash(spot_ip${i}, spot_w${i}) IN (SELECT hash(ip, word) FROM spot_low)`);
  const exact = slots.map((_, i) => `(spot_ip${i}, spot_w${i}) IN (SELECT (ip, word) FROM spot_low)`);
  if (includeNullIp) {
    const nullIp = slots.map((_, i) => `spot_ip${i} IS NULL`);
    byHash.push(...nullIp);
    exact.push(...nullIp);
  }
  const keep = [...analysis.resultColumns, 'spot_file', 'spot_row'].map((c) => `"${c}"`).join(', ');
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE spot_candidates AS
    SELECT * FROM (SELECT ${keep}, ${slotColumns(slots)} FROM ${relation} WHERE spot_clean)
    WHERE ${allWords} AND (${byHash.join(' OR ')});
    DELETE FROM spot_candidates WHERE NOT (${exact.join(' OR ')});
    DROP TABLE spot_low;`);
  const candidates = await scoreCandidatePairs(engine, input.model, slots.length);
  return { sql: scoredEventsSql(slots, analysis.resultColumns, 'SELECT * FROM spot_candidates'), candidates };
}

/** `ip AS spot_ip<i>, word AS spot_w<i>` for each slot. */
function slotColumns(slots: readonly WordSlot[]): string {
  return slots.map((s, i) => `${s.ip} AS spot_ip${i}, ${s.word} AS spot_w${i}`).join(', ');
}

/**
 * Corpus entries of the day scoring at most `cut`, and `addressShare`: at most what share of the day's
 * events have an address among theirs; undefined when they would cover most of the day's events.
 */
function lowEntries(corpus: Corpus, scores: Float64Array, dayCounts: Float64Array, cut: number, slotCount: number) {
  if (Number.isNaN(cut)) return undefined;
  let total = 0;
  let lowEvents = 0;
  let n = 0;
  for (let e = 0; e < scores.length; e++) {
    total += dayCounts[e];
    if (dayCounts[e] > 0 && scores[e] <= cut) {
      lowEvents += dayCounts[e];
      n++;
    }
  }
  if (lowEvents > 0.25 * total) return undefined;
  const docs = new Int32Array(n);
  const words = new Int32Array(n);
  let at = 0;
  let addressEvents = 0;
  for (let d = 0; d < corpus.numDocs; d++) {
    const first = at;
    let docEvents = 0;
    for (let e = corpus.docStart[d]; e < corpus.docStart[d + 1]; e++) {
      docEvents += dayCounts[e];
      if (dayCounts[e] > 0 && scores[e] <= cut) {
        docs[at] = d;
        words[at++] = corpus.wordIds[e];
      }
    }
    if (at > first) addressEvents += docEvents;
  }
  return { docs, words, addressShare: total > 0 ? (slotCount * addressEvents) / total : 0 };
}

/**
 * The featurised events that may have a pair in spot_low, a superset of the candidates; only those are
 * featurised again (words are the costly part of a scan). With `keys`, the events are found by their
 * (ip, key) pairs, which need no words; otherwise by their addresses. Falls back to the whole day when a
 * slot's IP is not a plain input column.
 */
async function candidateRelation(
  engine: Engine,
  analysis: Analysis,
  options: AnalysisOptions,
  keys: WordKeys | undefined,
  includeNullIp: boolean,
): Promise<string> {
  const slots = analysis.wordSlots;
  const nullIp = includeNullIp ? slots.map((s) => `${s.ip} IS NULL`) : [];
  if (keys) {
    const byKey = keys.keys.map((k, i) => `hash(${slots[i].ip}, ${k}) IN (SELECT hash(ip, wkey) FROM spot_low)`);
    await engine.exec(`
      CREATE OR REPLACE TEMP TABLE spot_candidate_rows AS
      SELECT spot_file, spot_row FROM featured_view WHERE spot_clean AND (${[...byKey, ...nullIp].join(' OR ')});
      CREATE OR REPLACE VIEW spot_candidate_input AS
      SELECT i.* FROM input_view i SEMI JOIN spot_candidate_rows c ON i.spot_file = c.spot_file AND i.spot_row = c.spot_row;`);
  } else {
    const inputColumns = new Set((await engine.describe('input_view')).map((c) => c.name));
    if (!slots.every((s) => inputColumns.has(s.ip))) return 'featured_view';
    const byIp = slots.map((s) => `${s.ip} IN (SELECT ip FROM spot_low)`);
    await engine.exec(`
      CREATE OR REPLACE VIEW spot_candidate_input AS
      SELECT * FROM input_view WHERE spot_clean AND (${[...byIp, ...nullIp].join(' OR ')})`);
  }
  await analysis.featurize(engine, options, { input: 'spot_candidate_input', output: 'spot_candidate_featured', dayRows: true });
  return 'spot_candidate_featured';
}

/** spot_pair_score(doc, word, score) for the (ip, word) pairs of spot_candidates, scored in JavaScript; returns the candidates' count. */
async function scoreCandidatePairs(engine: Engine, model: LdaModel, slotCount: number): Promise<number> {
  const [{ events }] = await engine.rows('SELECT count(*) AS events FROM spot_candidates');
  const pairs = Array.from({ length: slotCount }, (_, i) => `SELECT spot_ip${i} AS ip, spot_w${i} AS word FROM spot_candidates`);
  const [{ n }] = await engine.rows(`SELECT count(*) AS n FROM (${pairs.join(' UNION ')})`);
  const docs = new Int32Array(Number(n));
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
  const docs = new Int32Array(scores.length);
  for (let d = 0; d < corpus.numDocs; d++) docs.fill(d, corpus.docStart[d], corpus.docStart[d + 1]);
  await engine.createTable('spot_pair_score', [
    { name: 'doc', type: 'INTEGER', values: docs },
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
  const cols = resultColumns.map((c) => `e."${c}"`).join(', ');
  return `SELECT ${cols}, CASE WHEN ${anyMissing} THEN -1 ELSE ${score} END AS score, e.spot_file, e.spot_row
    FROM (${eventsSql}) e ${joins}`;
}
