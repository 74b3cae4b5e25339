import type { Engine } from '../engine/engine.js';
import type { Corpus } from '../lda/types.js';
import { SpotError } from '../common/errors.js';
import { hugeArray } from '../lda/huge-arrays.js';

/**
 * Reads spot_corpus(doc, word, cnt) — the day's pairs, one row per (doc, word), stored in that order — and
 * spot_extra_corpus(doc, word, cnt) — pairs that are not events of the day, such as analyst feedback —
 * into compressed sparse rows sorted by (doc, word), merging a pair present in both. Only the (small)
 * extra table is held in JavaScript while the day's pairs stream in.
 */
export async function readCorpus(
  engine: Engine,
  numDocs: number,
  numWords: number,
): Promise<{ corpus: Corpus; dayCounts: Float64Array }> {
  const extra = await readExtra(engine);
  const [{ n }] = await engine.rows('SELECT count(*) AS n FROM spot_corpus');
  const capacity = Number(n) + extra.docs.length;
  const docStart = new Int32Array(numDocs + 1);
  let wordIds = hugeArray(Int32Array, capacity);
  let counts = hugeArray(Float64Array, capacity);
  // Without extra pairs the day counts are the counts: one array.
  let dayCounts = extra.docs.length ? hugeArray(Float64Array, capacity) : counts;
  let at = 0;
  let x = 0;
  let last = -1;
  const append = (doc: number, word: number, count: number, day: number) => {
    const key = doc * numWords + word;
    if (key <= last) throw orderError(doc, word);
    last = key;
    docStart[doc + 1]++;
    wordIds[at] = word;
    counts[at] = count;
    if (dayCounts !== counts) dayCounts[at] = day;
    at++;
  };
  /** Appends the extra pairs before (doc, word); returns the extra count of (doc, word) itself. */
  const extrasBefore = (doc: number, word: number): number => {
    for (; x < extra.docs.length; x++) {
      const d = extra.docs[x];
      const w = extra.words[x];
      if (d > doc || (d === doc && w > word)) return 0;
      if (d === doc && w === word) return extra.counts[x++];
      append(d, w, extra.counts[x], 0);
    }
    return 0;
  };
  // spot_corpus was stored in (doc, word) order, which a plain scan keeps (DuckDB's preserve_insertion_order).
  await engine.streamNumbers('SELECT doc, word, cnt FROM spot_corpus', (cols, rows) => {
    const [docs, words, cnts] = cols as [Int32Array, Int32Array, Float64Array];
    const lastKey = docs[rows - 1] * numWords + words[rows - 1];
    if (x < extra.docs.length && extra.docs[x] * numWords + extra.words[x] <= lastKey) {
      for (let i = 0; i < rows; i++) {
        const plus = extrasBefore(docs[i], words[i]);
        append(docs[i], words[i], cnts[i] + plus, cnts[i]);
      }
      return;
    }
    // No extra pair falls within the chunk: its columns are copied whole.
    last = countDocs(docs, words, numWords, docStart, last);
    wordIds.set(words, at);
    counts.set(cnts, at);
    if (dayCounts !== counts) dayCounts.set(cnts, at);
    at += rows;
  });
  extrasBefore(numDocs, 0);
  if (at < capacity) {
    const shared = dayCounts === counts;
    wordIds = wordIds.slice(0, at);
    counts = counts.slice(0, at);
    dayCounts = shared ? counts : dayCounts.slice(0, at);
  }
  for (let d = 0; d < numDocs; d++) docStart[d + 1] += docStart[d];
  return { corpus: { numDocs, numWords, docStart, wordIds, counts }, dayCounts };
}

/** Adds a chunk's entries to their documents' counts (docStart[doc + 1]), checking the (doc, word) order after key `last`; returns the chunk's last key. */
function countDocs(docs: Int32Array, words: Int32Array, numWords: number, docStart: Int32Array, last: number): number {
  for (let i = 0; i < docs.length; i++) {
    const key = docs[i] * numWords + words[i];
    if (key <= last) throw orderError(docs[i], words[i]);
    last = key;
    docStart[docs[i] + 1]++;
  }
  return last;
}

function orderError(doc: number, word: number): SpotError {
  return new SpotError(`internal error: the corpus is not in (document, word) order at document ${doc}, word ${word}`, 1);
}

async function readExtra(engine: Engine) {
  const rows = await engine.rows('SELECT doc, word, cnt FROM spot_extra_corpus ORDER BY doc, word');
  return {
    docs: Int32Array.from(rows, (r) => Number(r.doc)),
    words: Int32Array.from(rows, (r) => Number(r.word)),
    counts: Float64Array.from(rows, (r) => Number(r.cnt)),
  };
}
