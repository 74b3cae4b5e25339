import type { Engine } from '../engine/engine.js';
import type { Corpus, LdaModel } from '../lda/types.js';
import type { WordSlot } from './analysis.js';
import { slotWordSql } from './corpus.js';

/**
 * Scores every distinct (ip, word) pair of the corpus, score = Σ_k θ[ip][k]·φ[k][word] (SPEC §8), and
 * leaves them in the engine as spot_scores(ip, word, score) so events are scored by a join there.
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
  await engine.exec(`
    CREATE OR REPLACE TABLE spot_scores AS
    SELECT d.ip, v.word, s.score FROM spot_pair_score s
    JOIN spot_docs d ON d.id = s.doc JOIN spot_vocab v ON v.id = s.word;
    DROP TABLE spot_pair_score;`);
}

/**
 * SQL over featured_view: every clean event with its score (the smallest over its words; an IP or word
 * absent from the model scores 0; an event whose word could not be formed scores -1).
 */
export function scoredEventsSql(slots: readonly WordSlot[], resultColumns: readonly string[]): string {
  const joins = slots
    .map((s, i) => `LEFT JOIN spot_scores s${i} ON s${i}.ip = f.${s.ip} AND s${i}.word = ${slotWordSql(slots, s)}`)
    .join('\n');
  const anyMissing = slots.map((s) => `f.${s.word} IS NULL`).join(' OR ');
  const least = slots.map((_, i) => `coalesce(s${i}.score, 0)`).join(', ');
  const score = slots.length > 1 ? `least(${least})` : least;
  const cols = resultColumns.map((c) => `f.${c}`).join(', ');
  return `SELECT ${cols}, CASE WHEN ${anyMissing} THEN -1 ELSE ${score} END AS score, f.spot_file, f.spot_row
    FROM featured_view f ${joins} WHERE f.spot_clean`;
}
