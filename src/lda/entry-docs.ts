import type { Corpus } from './types.js';

/** The document of every corpus entry (aligned with corpus.wordIds), from the compressed rows. */
export function entryDocs(corpus: Corpus): Int32Array {
  const docs = new Int32Array(corpus.wordIds.length);
  for (let d = 0; d < corpus.numDocs; d++) docs.fill(d, corpus.docStart[d], corpus.docStart[d + 1]);
  return docs;
}
