import type { Corpus } from '../src/lda/index.js';

export type Doc = [word: number, count: number][];

/** A corpus from documents given as (word, count) lists (each sorted by word). */
export function corpusOf(docs: Doc[], numWords: number): Corpus {
  const docStart = [0];
  const wordIds: number[] = [];
  const counts: number[] = [];
  for (const doc of docs) {
    for (const [w, c] of doc) {
      wordIds.push(w);
      counts.push(c);
    }
    docStart.push(wordIds.length);
  }
  return {
    numDocs: docs.length,
    numWords,
    docStart: Int32Array.from(docStart),
    wordIds: Int32Array.from(wordIds),
    counts: Float64Array.from(counts),
  };
}
