import { sqlIdent, type Engine } from '../engine/engine.js';
import type { Corpus } from '../lda/types.js';
import type { WordKeys, WordSlot } from './analysis.js';
import { readCorpus } from './corpus-arrays.js';

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
 * and the slots are unnested from it (instead of one scan per slot). `words` replaces the slots' word
 * expressions (with word keys).
 */
export function eventSlotsSql(slots: readonly WordSlot[], relation = 'featured_view', words: readonly string[] = slots.map((s) => s.word)): string {
  if (slots.length === 1) {
    return `SELECT 0 AS slot, ${slots[0].ip} AS ip, ${words[0]} AS word FROM ${relation} WHERE spot_clean`;
  }
  const ips = slots.map((s) => s.ip).join(', ');
  const named = slots.map((_, i) => `spot_w${i}`);
  const anyMissing = named.map((w) => `${w} IS NULL`).join(' OR ');
  const nulls = slots.map(() => 'NULL').join(', ');
  return `SELECT unnest([${slots.map((_, i) => i).join(', ')}]) AS slot, unnest(spot_ips) AS ip,
      unnest(CASE WHEN ${anyMissing} THEN [${nulls}] ELSE [${named.join(', ')}] END) AS word
    FROM (SELECT [${ips}] AS spot_ips, ${words.map((w, i) => `${w} AS spot_w${i}`).join(', ')}
          FROM ${relation} WHERE spot_clean)`;
}

/**
 * Builds the (ip, word, count) corpus in the engine (SPEC §6) and brings it into typed arrays. The day's
 * events are counted by (ip, word key) when the analysis gave `keys`, else by (ip, word); words are
 * numbered in word order either way, so both give the same corpus.
 * `extraPairsSql` (ip, word, n) adds training pairs that are not events of the day (analyst feedback).
 * `parts`: values of `keys.partition` to count the pairs one at a time by (pairPartitions), else all at once.
 * Tables left in the engine: spot_docs(ip, id), spot_vocab(word, id), spot_word_keys(wkey, id): the
 * day's word keys (the words themselves without keys), and spot_corpus(doc, word, cnt): the day's pairs
 * in (doc, word) order, which the run's corpus.parquet is written from (writeRunCorpus drops it).
 */
export async function buildCorpus(
  engine: Engine,
  slots: readonly WordSlot[],
  keys: WordKeys | undefined,
  extraPairsSql?: string,
  parts?: readonly number[],
): Promise<CorpusBuild> {
  // The slot is not kept: a pair scores the same whichever side of the event it comes from.
  const counts = (relation: string) => `SELECT ip, word AS wkey, count(*) AS n FROM (${eventSlotsSql(slots, relation, keys?.keys)}) GROUP BY ALL`;
  if (parts && keys?.partition) {
    // One aggregation per value of the partition column (pair-partitions.ts); no pair spans two.
    const part = (value: number) => counts(`(SELECT * FROM featured_view WHERE ${sqlIdent(keys.partition!)} = ${value})`);
    await engine.exec(`CREATE OR REPLACE TEMP TABLE spot_pair_counts AS ${part(parts[0])}`);
    for (const value of parts.slice(1)) await engine.exec(`INSERT INTO spot_pair_counts ${part(value)}`);
  } else {
    await engine.exec(`CREATE OR REPLACE TEMP TABLE spot_pair_counts AS ${counts('featured_view')}`);
  }
  // Every event gives one row per slot, all with a NULL word when any of its words could not be formed.
  const [tally] = await engine.rows(`
    SELECT coalesce(sum(n) FILTER (WHERE wkey IS NULL), 0) // ${slots.length} AS errors,
           coalesce(sum(n) FILTER (WHERE wkey IS NOT NULL), 0) // ${slots.length} AS featurised
    FROM spot_pair_counts`);
  const tallies = { wordErrors: Number(tally.errors), featurised: Number(tally.featurised) };
  return corpusFromPairCounts(engine, keys ? keys.wordOfKey('wkey') : 'wkey', tallies, extraPairsSql);
}

/**
 * The corpus from the table spot_pair_counts(ip, wkey, n) of the day's (ip, word key) counts, however they
 * were counted (here, or on a cluster's shards), plus `extraPairsSql`; `wordOfKey` is SQL over `wkey`.
 */
export async function corpusFromPairCounts(
  engine: Engine,
  wordOfKey: string,
  tally: { wordErrors: number; featurised: number },
  extraPairsSql?: string,
): Promise<CorpusBuild> {
  // Documents and words are numbered first (over distinct values), then the pairs are joined to their ids.
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE spot_extra_pairs AS
    SELECT ip, word, n FROM (${extraPairsSql ?? 'SELECT NULL AS ip, NULL AS word, 0 AS n WHERE false'})
    WHERE ip IS NOT NULL AND word IS NOT NULL;
    CREATE OR REPLACE TEMP VIEW spot_known_pairs AS
      SELECT ip, wkey, n FROM spot_pair_counts WHERE wkey IS NOT NULL AND ip IS NOT NULL;
    CREATE OR REPLACE TEMP TABLE spot_key_words AS
      SELECT wkey, ${wordOfKey} AS word FROM (SELECT DISTINCT wkey FROM spot_known_pairs);
    CREATE OR REPLACE TABLE spot_docs AS
      SELECT ip, CAST(row_number() OVER (ORDER BY ip) - 1 AS INTEGER) AS id
      FROM (SELECT ip FROM spot_known_pairs UNION SELECT ip FROM spot_extra_pairs);
    CREATE OR REPLACE TABLE spot_vocab AS
      SELECT word, CAST(row_number() OVER (ORDER BY word) - 1 AS INTEGER) AS id
      FROM (SELECT word FROM spot_key_words UNION SELECT word FROM spot_extra_pairs);
    CREATE OR REPLACE TEMP TABLE spot_word_keys AS SELECT k.wkey, v.id FROM spot_key_words k JOIN spot_vocab v USING (word);
    CREATE OR REPLACE TABLE spot_extra_corpus AS
      SELECT d.id AS doc, v.id AS word, CAST(sum(e.n) AS DOUBLE) AS cnt
      FROM spot_extra_pairs e JOIN spot_docs d USING (ip) JOIN spot_vocab v USING (word) GROUP BY ALL;
    CREATE OR REPLACE TEMP TABLE spot_corpus_unsorted AS
      SELECT d.id AS doc, k.id AS word, CAST(p.n AS DOUBLE) AS cnt
      FROM spot_known_pairs p JOIN spot_docs d USING (ip) JOIN spot_word_keys k USING (wkey);
    DROP VIEW spot_known_pairs;
    DROP TABLE spot_extra_pairs;
    DROP TABLE spot_pair_counts;
    DROP TABLE spot_key_words;`);
  const [size] = await engine.rows(`
    SELECT (SELECT count(*) FROM spot_docs) AS docs, (SELECT count(*) FROM spot_vocab) AS words,
           (SELECT count(*) FROM spot_corpus_unsorted) AS pairs`);
  await sortCorpus(engine, Number(size.docs), Number(size.pairs));
  const corpus = await readCorpus(engine, Number(size.docs), Number(size.words));
  await engine.exec('DROP TABLE spot_extra_corpus;');
  return { ...corpus, ...tally };
}

/**
 * Pairs per sort at most (about). The ranges exist for the peak RSS: at 10M flows (13.2M pairs) two sorts
 * of 6.6M peak below the numbering that precedes them (which holds the day's pair counts), as four of
 * 3.3M did, and scan the unsorted pairs twice instead of four times.
 */
const PAIRS_PER_SORT = 8_000_000;

/**
 * spot_corpus: spot_corpus_unsorted in (doc, word) order, sorted one range of documents at a time and
 * appended in order (an insert keeps its rows' order). The numbered pairs are sorted only once the day's
 * (ip, word key) table is gone, and in parts: the sort was the run's memory peak (at 10M flows a whole
 * sort held 300 MB more, and by how much varied from run to run).
 */
export async function sortCorpus(engine: Engine, numDocs: number, pairs: number, pairsPerSort = PAIRS_PER_SORT): Promise<void> {
  const parts = Math.max(1, Math.min(numDocs, Math.ceil(pairs / pairsPerSort)));
  const bound = (i: number) => Math.round((i * numDocs) / parts);
  const ranges = Array.from({ length: parts }, (_, i) => `doc >= ${bound(i)} AND doc < ${bound(i + 1)}`);
  await engine.exec(`CREATE OR REPLACE TABLE spot_corpus (doc INTEGER, word INTEGER, cnt DOUBLE)`);
  for (const range of ranges) {
    await engine.exec(`INSERT INTO spot_corpus SELECT doc, word, cnt FROM spot_corpus_unsorted WHERE ${range} ORDER BY doc, word`);
  }
  await engine.exec('DROP TABLE spot_corpus_unsorted');
}
