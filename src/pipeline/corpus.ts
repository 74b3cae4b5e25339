import type { Engine } from '../engine/engine.js';
import type { Corpus } from '../lda/types.js';
import type { WordSlot } from './analysis.js';

export interface CorpusBuild {
  corpus: Corpus;
  /** Per corpus entry, how many of the day's event slots it counts (the corpus count minus feedback). */
  dayCounts: Float64Array;
  /** Events whose words could not be formed (SPEC §5 `word_error`). */
  wordErrors: number;
  /** Clean events whose words were formed. */
  featurised: number;
}

/**
 * SQL over a featurised relation: one row per (clean event, slot) with `slot`, `ip` and `word` (NULL in every slot
 * when any word of the event could not be formed). The words are computed once per event, in one scan,
 * and the slots are unnested from it (instead of one scan per slot).
 */
export function eventSlotsSql(slots: readonly WordSlot[], relation = 'featured_view'): string {
  if (slots.length === 1) {
    return `SELECT 0 AS slot, ${slots[0].ip} AS ip, ${slots[0].word} AS word FROM ${relation} WHERE spot_clean`;
  }
  const ips = slots.map((s) => s.ip).join(', ');
  const words = slots.map((_, i) => `spot_w${i}`);
  const anyMissing = words.map((w) => `${w} IS NULL`).join(' OR ');
  const nulls = slots.map(() => 'NULL').join(', ');
  return `SELECT unnest([${slots.map((_, i) => i).join(', ')}]) AS slot, unnest(spot_ips) AS ip,
      unnest(CASE WHEN ${anyMissing} THEN [${nulls}] ELSE [${words.join(', ')}] END) AS word
    FROM (SELECT [${ips}] AS spot_ips, ${slots.map((s, i) => `${s.word} AS spot_w${i}`).join(', ')}
          FROM ${relation} WHERE spot_clean)`;
}

/**
 * Builds the (ip, word, count) corpus in the engine (SPEC §6) and brings it into typed arrays.
 * `extraPairsSql` (ip, word, n) adds training pairs that are not events of the day (analyst feedback).
 * Tables left in the engine: spot_docs(ip, id) and spot_vocab(word, id).
 */
export async function buildCorpus(engine: Engine, slots: readonly WordSlot[], extraPairsSql?: string): Promise<CorpusBuild> {
  // The slot is not kept: a pair scores the same whichever side of the event it comes from.
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE spot_pair_counts AS
    SELECT ip, word, count(*) AS n FROM (${eventSlotsSql(slots)}) GROUP BY ALL`);
  // Every event gives one row per slot, all with a NULL word when any of its words could not be formed.
  const [tally] = await engine.rows(`
    SELECT coalesce(sum(n) FILTER (WHERE word IS NULL), 0) // ${slots.length} AS errors,
           coalesce(sum(n) FILTER (WHERE word IS NOT NULL), 0) // ${slots.length} AS featurised
    FROM spot_pair_counts`);
  // Documents and words are numbered first, then the pairs are summed over integer ids.
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE spot_extra_pairs AS
    SELECT ip, word, n FROM (${extraPairsSql ?? 'SELECT NULL AS ip, NULL AS word, 0 AS n WHERE false'})
    WHERE ip IS NOT NULL AND word IS NOT NULL;
    CREATE OR REPLACE TEMP VIEW spot_known_words AS
      SELECT ip, word, n FROM spot_pair_counts WHERE word IS NOT NULL AND ip IS NOT NULL;
    CREATE OR REPLACE TABLE spot_docs AS
      SELECT ip, CAST(row_number() OVER (ORDER BY ip) - 1 AS INTEGER) AS id
      FROM (SELECT ip FROM spot_known_words UNION SELECT ip FROM spot_extra_pairs);
    CREATE OR REPLACE TABLE spot_vocab AS
      SELECT word, CAST(row_number() OVER (ORDER BY word) - 1 AS INTEGER) AS id
      FROM (SELECT word FROM spot_known_words UNION SELECT word FROM spot_extra_pairs);
    CREATE OR REPLACE TABLE spot_corpus AS
      SELECT d.id AS doc, v.id AS word, CAST(sum(n) AS DOUBLE) AS cnt, CAST(sum(day_n) AS DOUBLE) AS day_n FROM (
        SELECT ip, word, n, n AS day_n FROM spot_known_words
        UNION ALL SELECT ip, word, n, 0 FROM spot_extra_pairs
      ) p JOIN spot_docs d USING (ip) JOIN spot_vocab v USING (word) GROUP BY d.id, v.id;
    DROP VIEW spot_known_words;
    DROP TABLE spot_extra_pairs;
    DROP TABLE spot_pair_counts;`);
  const [size] = await engine.rows(`
    SELECT (SELECT count(*) FROM spot_docs) AS docs, (SELECT count(*) FROM spot_vocab) AS words,
           (SELECT count(*) FROM spot_corpus) AS nnz`);
  const numDocs = Number(size.docs);
  const nnz = Number(size.nnz);
  const docStart = new Int32Array(numDocs + 1);
  const wordIds = new Int32Array(nnz);
  const counts = new Float64Array(nnz);
  const dayCounts = new Float64Array(nnz);
  let at = 0;
  await engine.streamColumns('SELECT doc, word, cnt, day_n FROM spot_corpus ORDER BY doc, word', (cols, n) => {
    const [docs, words, cnts, days] = cols as [number[], number[], number[], number[]];
    for (let i = 0; i < n; i++, at++) {
      docStart[docs[i] + 1]++;
      wordIds[at] = words[i];
      counts[at] = cnts[i];
      dayCounts[at] = days[i];
    }
  });
  await engine.exec('DROP TABLE spot_corpus');
  for (let d = 0; d < numDocs; d++) docStart[d + 1] += docStart[d];
  return {
    corpus: { numDocs, numWords: Number(size.words), docStart, wordIds, counts },
    dayCounts,
    wordErrors: Number(tally.errors),
    featurised: Number(tally.featurised),
  };
}
