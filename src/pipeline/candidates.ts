import { sqlIdent, type Engine } from '../engine/engine.js';
import type { Corpus } from '../lda/types.js';
import type { Analysis, AnalysisOptions, WordKeys, WordSlot } from './analysis.js';
import type { ScoringInput } from './score.js';

/**
 * Creates spot_candidates: the day's events that have a pair scoring at most `cut` (and those with an
 * address absent from the model when 0 <= cut), with the result columns, spot_file, spot_row and each
 * slot's spot_ip<i> and spot_w<i>. Returns false, creating nothing, when such pairs cover more than a
 * quarter of the day's events (then every event is worth scoring).
 */
export async function collectCandidates(
  engine: Engine,
  analysis: Analysis,
  options: AnalysisOptions,
  input: ScoringInput,
  cut: number,
): Promise<boolean> {
  const slots = analysis.wordSlots;
  const low = lowEntries(input.corpus, input.scores, input.dayCounts, cut, slots.length);
  if (low === undefined) return false;
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
  // By key, one pass over the day computes every event's integer keys; by address, every event of the
  // addresses involved is featurised again (words as text), which costs more once they are a tenth of the day.
  const byKey = input.keys && low.addressShare > BY_ADDRESS_SHARE ? input.keys : undefined;
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
  const keep = [...analysis.resultColumns, 'spot_file', 'spot_row'].map(sqlIdent).join(', ');
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE spot_candidates AS
    SELECT * FROM (SELECT ${keep}, ${slotColumns(slots)} FROM ${relation} WHERE spot_clean)
    WHERE ${allWords} AND (${byHash.join(' OR ')});
    DELETE FROM spot_candidates WHERE NOT (${exact.join(' OR ')});
    DROP TABLE spot_low;`);
  return true;
}

/** `ip AS spot_ip<i>, word AS spot_w<i>` for each slot. */
export function slotColumns(slots: readonly WordSlot[]): string {
  return slots.map((s, i) => `${s.ip} AS spot_ip${i}, ${s.word} AS spot_w${i}`).join(', ');
}

/**
 * Corpus entries of the day scoring at most `cut`, and `addressShare`: at most what share of the day's
 * events have an address among theirs; undefined when they would cover more than `maxShare` of the day's events.
 */
export function lowEntries(corpus: Corpus, scores: Float64Array, dayCounts: Float64Array, cut: number, slotCount: number, maxShare = 0.25) {
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
  if (lowEvents > maxShare * total) return undefined;
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

/** The share of the day's events (an upper bound) having a low pair's address above which candidates are found by key. */
const BY_ADDRESS_SHARE = 0.1;

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
  let input = 'spot_candidate_input';
  if (keys) {
    // One pass: the events kept by their keys, with the input's columns (a second pass fetching them by row costs more).
    const byKey = keys.keys.map((k, i) => `hash(${slots[i].ip}, ${k}) IN (SELECT hash(ip, wkey) FROM spot_low)`);
    const inputColumns = (await engine.describe('input_view')).map((c) => sqlIdent(c.name)).join(', ');
    input = 'spot_candidate_keyed';
    await engine.exec(`
      CREATE OR REPLACE TEMP TABLE ${input} AS
      SELECT ${inputColumns} FROM featured_view WHERE spot_clean AND (${[...byKey, ...nullIp].join(' OR ')});`);
  } else {
    const inputColumns = new Set((await engine.describe('input_view')).map((c) => c.name));
    if (!slots.every((s) => inputColumns.has(s.ip))) return 'featured_view';
    const byIp = slots.map((s) => `${s.ip} IN (SELECT ip FROM spot_low)`);
    await engine.exec(`
      CREATE OR REPLACE VIEW spot_candidate_input AS
      SELECT * FROM input_view WHERE spot_clean AND (${[...byIp, ...nullIp].join(' OR ')})`);
  }
  await analysis.featurize(engine, options, { input, output: 'spot_candidate_featured', dayRows: true });
  return 'spot_candidate_featured';
}
