import type { Engine } from '../engine/engine.js';
import type { Corpus } from '../lda/types.js';
import { SpotError } from '../common/errors.js';

/**
 * Reads the day's pairs (`daySql`: doc, word, cnt — one row per (doc, word), in any order) and
 * spot_extra_corpus(doc, word, cnt) — pairs that are not events of the day, such as analyst feedback —
 * into compressed sparse rows sorted by (doc, word), merging a pair present in both. spot_docs(id, pairs)
 * gives each document's number of day pairs, so every row is put straight into its document's rows as it
 * streams in; each document's rows are then sorted by word (work proportional to the corpus, no sort of the
 * pairs in the engine). Without extra pairs the day counts are the counts (one array).
 */
export async function readCorpus(
  engine: Engine,
  numDocs: number,
  numWords: number,
  daySql: string,
): Promise<{ corpus: Corpus; dayCounts: Float64Array }> {
  const extra = await readExtra(engine);
  const docStart = await docRows(engine, numDocs, extra.docs);
  const capacity = docStart[numDocs];
  const hasExtra = extra.docs.length > 0;
  let wordIds = new Int32Array(capacity);
  let counts = new Float64Array(capacity);
  let dayCounts = hasExtra ? new Float64Array(capacity) : counts;
  const fill = docStart.slice(0, numDocs);
  let dayRows = 0;
  await streamNumbers(engine, daySql, (cols, rows) => {
    const [docs, words, cnts] = cols;
    for (let i = 0; i < rows; i++) {
      const at = fill[docs[i]]++;
      wordIds[at] = words[i];
      counts[at] = cnts[i];
    }
    dayRows += rows;
  });
  if (hasExtra) {
    dayCounts.set(counts);
    for (let x = 0; x < extra.docs.length; x++) {
      const at = fill[extra.docs[x]]++;
      wordIds[at] = extra.words[x];
      counts[at] = extra.counts[x];
      dayCounts[at] = 0;
    }
  }
  for (let d = 0; d < numDocs; d++) {
    if (fill[d] !== docStart[d + 1]) {
      throw new SpotError(`internal error: document ${d} has ${fill[d] - docStart[d]} pairs in the corpus, ${docStart[d + 1] - docStart[d]} counted`, 1);
    }
  }
  const at = sortRows(docStart, wordIds, counts, hasExtra ? dayCounts : undefined, numWords);
  if (at < capacity) {
    wordIds = wordIds.slice(0, at);
    counts = counts.slice(0, at);
    dayCounts = hasExtra ? dayCounts.slice(0, at) : counts;
  }
  if (dayRows + extra.docs.length !== capacity) throw new SpotError(`internal error: ${dayRows} day pairs read, ${capacity - extra.docs.length} counted`, 1);
  return { corpus: { numDocs, numWords, docStart, wordIds, counts }, dayCounts };
}

/** docStart from spot_docs' pairs per document, plus each document's extra pairs. */
async function docRows(engine: Engine, numDocs: number, extraDocs: Int32Array): Promise<Int32Array> {
  const docStart = new Int32Array(numDocs + 1);
  await streamNumbers(engine, 'SELECT id, CAST(pairs AS DOUBLE) FROM spot_docs', (cols, rows) => {
    const [ids, pairs] = cols;
    for (let i = 0; i < rows; i++) docStart[ids[i] + 1] = pairs[i];
  });
  for (const d of extraDocs) docStart[d + 1]++;
  for (let d = 0; d < numDocs; d++) docStart[d + 1] += docStart[d];
  return docStart;
}

/** Rows up to this long are sorted by insertion; longer ones through a per-word scratch row. */
const SHORT_ROW = 32;

/**
 * Sorts each document's entries by word, merging entries of the same word (a day pair and an extra pair),
 * and packs the rows together (docStart updated); returns the number of entries kept. `dayCounts`, when
 * given, is a separate array moved along with `counts`.
 */
function sortRows(docStart: Int32Array, wordIds: Int32Array, counts: Float64Array, dayCounts: Float64Array | undefined, numWords: number): number {
  const scratch = new Float64Array(numWords);
  const dayScratch = dayCounts ? new Float64Array(numWords) : undefined;
  let at = 0;
  for (let d = 0; d < docStart.length - 1; d++) {
    const start = docStart[d];
    const end = docStart[d + 1];
    docStart[d] = at;
    if (end - start <= SHORT_ROW) {
      for (let i = start + 1; i < end; i++) {
        const w = wordIds[i];
        const c = counts[i];
        const dc = dayCounts ? dayCounts[i] : 0;
        let j = i - 1;
        for (; j >= start && wordIds[j] > w; j--) {
          wordIds[j + 1] = wordIds[j];
          counts[j + 1] = counts[j];
          if (dayCounts) dayCounts[j + 1] = dayCounts[j];
        }
        wordIds[j + 1] = w;
        counts[j + 1] = c;
        if (dayCounts) dayCounts[j + 1] = dc;
      }
      for (let i = start; i < end; i++) {
        if (at > docStart[d] && wordIds[at - 1] === wordIds[i]) {
          counts[at - 1] += counts[i];
          if (dayCounts) dayCounts[at - 1] += dayCounts[i];
          continue;
        }
        wordIds[at] = wordIds[i];
        counts[at] = counts[i];
        if (dayCounts) dayCounts[at] = dayCounts[i];
        at++;
      }
    } else {
      for (let i = start; i < end; i++) {
        scratch[wordIds[i]] += counts[i];
        if (dayScratch) dayScratch[wordIds[i]] += dayCounts![i];
      }
      wordIds.subarray(start, end).sort();
      for (let i = start; i < end; i++) {
        const w = wordIds[i];
        if (at > docStart[d] && wordIds[at - 1] === w) continue;
        wordIds[at] = w;
        counts[at] = scratch[w];
        scratch[w] = 0;
        if (dayScratch) {
          dayCounts![at] = dayScratch[w];
          dayScratch[w] = 0;
        }
        at++;
      }
    }
  }
  docStart[docStart.length - 1] = at;
  return at;
}

/** A query of number columns without NULLs, chunk by chunk, by the engine's fastest way. */
async function streamNumbers(engine: Engine, sql: string, onChunk: (columns: ArrayLike<number>[], rows: number) => void): Promise<void> {
  if (engine.streamNumbers) return engine.streamNumbers(sql, onChunk);
  return engine.streamColumns(sql, (columns, rows) => onChunk(columns as number[][], rows));
}

async function readExtra(engine: Engine) {
  const rows = await engine.rows('SELECT doc, word, cnt FROM spot_extra_corpus');
  return {
    docs: Int32Array.from(rows, (r) => Number(r.doc)),
    words: Int32Array.from(rows, (r) => Number(r.word)),
    counts: Float64Array.from(rows, (r) => Number(r.cnt)),
  };
}
