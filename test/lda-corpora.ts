import type { Corpus } from '../src/lda/index.js';
import { Rng } from '../src/lda/random.js';

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

/** Random documents of up to 2·perDoc distinct words (skewed choice), a share of them empty. */
export function randomCorpus(numDocs: number, numWords: number, perDoc: number, emptyShare: number, seed: number): Corpus {
  const rng = new Rng(seed, 77);
  const docs: [number, number][][] = [];
  for (let d = 0; d < numDocs; d++) {
    if (rng.nextDouble() < emptyShare) {
      docs.push([]);
      continue;
    }
    const words = new Set<number>();
    const n = Math.min(numWords, 1 + rng.nextInt(2 * perDoc));
    while (words.size < n) words.add(Math.floor(numWords * rng.nextDouble() ** 2));
    docs.push([...words].sort((a, b) => a - b).map((w) => [w, 1 + rng.nextInt(9)]));
  }
  return corpusOf(docs, numWords);
}
