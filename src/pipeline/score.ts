import type { Engine } from '../engine/engine.js';
import type { Corpus, LdaModel } from '../lda/types.js';
import type { Analysis, AnalysisOptions, WordSlot } from './analysis.js';

/**
 * Scores every distinct (ip, word) pair of the corpus, score = Σ_k θ[ip][k]·φ[k][word] (SPEC §8), and
 * leaves them in the engine as spot_pair_score(doc, word, score) (ids of spot_docs and spot_vocab), so
 * events are scored by a join there.
 */
export async function scorePairs(engine: Engine, corpus: Corpus, model: LdaModel): Promise<void> {
  const { k, theta, phi } = model;
  const nnz = corpus.wordIds.length;
  const docs = new Int32Array(nnz);
  const scores = new Float64Array(nnz);
  for (let d = 0; d < corpus.numDocs; d++) {
    const t = d * k;
    for (let e = corpus.docStart[d]; e < corpus.docStart[d + 1]; e++) {
      const p = corpus.wordIds[e] * k;
      let s = 0;
      for (let j = 0; j < k; j++) s += theta[t + j] * phi[p + j];
      docs[e] = d;
      scores[e] = s;
    }
  }
  await engine.createTable('spot_pair_score', [
    { name: 'doc', type: 'INTEGER', values: docs },
    { name: 'word', type: 'INTEGER', values: corpus.wordIds },
    { name: 'score', type: 'DOUBLE', values: scores },
  ]);
}

/** Which events can be in the results: those with a pair in spot_low (slot, ip, word), or an IP absent from the model. */
export interface Candidates {
  /** Events with a NULL IP in some slot score 0 there: candidates when 0 is within the cut-off. */
  includeNullIp: boolean;
  /** The featurised relation of the events whose address is in spot_low (a superset of the candidates). */
  relation: string;
}

/**
 * Narrows the scoring to the events that can be reported. An event's score is the smallest of its slots'
 * pair scores, so it is at most a cut-off c only when one of its pairs is; with at most N results wanted,
 * the N lowest events all score at most x_i, the score at which slot i's lowest pairs (counted by events)
 * reach N events. With c = min(threshold, x_i ...), only events having a pair scoring at most c are looked
 * at (spot_low), and the results are exactly those of scoring every event. Returns undefined when the
 * cut-off would keep most events (then every event is scored).
 * Needs spot_slot_pairs (from buildCorpus) and spot_pair_score (from scorePairs).
 */
export async function prepareCandidates(
  engine: Engine,
  analysis: Analysis,
  options: AnalysisOptions,
  threshold: number,
  maxResults: number,
): Promise<Candidates | undefined> {
  const slots = analysis.wordSlots;
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE spot_slot_scores AS
    SELECT p.slot, p.doc, p.word, p.n, s.score FROM spot_slot_pairs p JOIN spot_pair_score s USING (doc, word)`);
  let cut = threshold;
  if (maxResults > 0) {
    const n = Math.floor(maxResults);
    for (let i = 0; i < slots.length; i++) {
      const lowest = await engine.rows(`SELECT score, n FROM spot_slot_scores WHERE slot = ${i} ORDER BY score LIMIT ${n}`);
      let events = 0;
      for (const r of lowest) {
        events += Number(r.n);
        if (events >= n) {
          cut = Math.min(cut, Number(r.score));
          break;
        }
      }
    }
  }
  const cutSql = `CAST('${String(cut)}' AS DOUBLE)`;
  const [count] = await engine.rows(
    `SELECT count(*) FILTER (WHERE score <= ${cutSql}) AS low, count(*) AS total FROM spot_slot_scores`,
  );
  if (Number.isNaN(cut) || Number(count.low) > 0.25 * Number(count.total)) {
    await engine.exec('DROP TABLE spot_slot_scores');
    return undefined;
  }
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE spot_low AS
    SELECT s.slot, d.ip, v.word FROM spot_slot_scores s JOIN spot_docs d ON d.id = s.doc JOIN spot_vocab v ON v.id = s.word
    WHERE s.score <= ${cutSql};
    DROP TABLE spot_slot_scores;`);
  const includeNullIp = 0 <= cut;
  // Only the events of an address in spot_low are featurised again (words are the costly part of a scan).
  const byIp = slots.map((s, i) => `${s.ip} IN (SELECT ip FROM spot_low WHERE slot = ${i})`);
  if (includeNullIp) byIp.push(...slots.map((s) => `${s.ip} IS NULL`));
  const inputColumns = new Set((await engine.describe('input_view')).map((c) => c.name));
  if (!slots.every((s) => inputColumns.has(s.ip))) return { includeNullIp, relation: 'featured_view' };
  await engine.exec(`
    CREATE OR REPLACE VIEW spot_candidate_input AS SELECT * FROM input_view WHERE spot_clean AND (${byIp.join(' OR ')})`);
  await analysis.featurize(engine, options, { input: 'spot_candidate_input', output: 'spot_candidate_featured' });
  return { includeNullIp, relation: 'spot_candidate_featured' };
}

/**
 * SQL over featured_view: every clean event with its score (the smallest over its words; an IP or word
 * absent from the model scores 0; an event whose word could not be formed scores -1). With `candidates`,
 * only the events that can be reported (see prepareCandidates).
 */
export function scoredEventsSql(slots: readonly WordSlot[], resultColumns: readonly string[], candidates?: Candidates): string {
  const words = slots.map((s, i) => `${s.ip} AS spot_ip${i}, ${s.word} AS spot_w${i}`).join(', ');
  const joins = slots
    .map(
      (_, i) => `LEFT JOIN spot_docs d${i} ON d${i}.ip = e.spot_ip${i} LEFT JOIN spot_vocab v${i} ON v${i}.word = e.spot_w${i}
      LEFT JOIN spot_pair_score s${i} ON s${i}.doc = d${i}.id AND s${i}.word = v${i}.id`,
    )
    .join('\n');
  const anyMissing = slots.map((_, i) => `e.spot_w${i} IS NULL`).join(' OR ');
  const least = slots.map((_, i) => `coalesce(s${i}.score, 0)`).join(', ');
  const score = slots.length > 1 ? `least(${least})` : least;
  const cols = resultColumns.map((c) => `e.${c}`).join(', ');
  let events = `SELECT *, ${words} FROM ${candidates ? candidates.relation : 'featured_view'} WHERE spot_clean`;
  if (candidates) {
    const allWords = slots.map((_, i) => `spot_w${i} IS NOT NULL`).join(' AND ');
    const any = slots.map(
      (_, i) => `EXISTS (SELECT 1 FROM spot_low l WHERE l.slot = ${i} AND l.ip = c.spot_ip${i} AND l.word = c.spot_w${i})`,
    );
    if (candidates.includeNullIp) any.push(...slots.map((_, i) => `c.spot_ip${i} IS NULL`));
    events = `SELECT * FROM (${events}) c WHERE ${allWords} AND (${any.join(' OR ')})`;
  }
  return `SELECT ${cols}, CASE WHEN ${anyMissing} THEN -1 ELSE ${score} END AS score, e.spot_file, e.spot_row
    FROM (${events}) e ${joins}`;
}
