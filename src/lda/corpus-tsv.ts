/**
 * Reads a corpus from `doc<TAB>word<TAB>count` lines (streamed). Documents and words are numbered
 * in sorted name order (by UTF-16 code units, locale-independent), entries sorted by document then
 * word; repeated (doc, word) pairs are summed; blank lines are ignored.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { SpotError } from '../common/errors.js';
import { createInterface } from 'node:readline';
import type { Corpus } from './types.js';

export interface NamedCorpus {
  corpus: Corpus;
  docNames: string[];
  wordNames: string[];
}

class GrowableI32 {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

class GrowableF64 {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

/** `progress` is told, now and then, the share of the file read so far (for a progress bar). */
export async function readCorpusTsv(path: string, progress?: (fraction: number) => void): Promise<NamedCorpus> {
  const size = progress ? (await stat(path)).size : 0;
  const docIds = new Map<string, number>();
  const wordIds = new Map<string, number>();
  const docs = new GrowableI32();
  const words = new GrowableI32();
  const counts = new GrowableF64();
  const intern = (map: Map<string, number>, name: string): number => {
    let id = map.get(name);
    if (id === undefined) {
      id = map.size;
      map.set(name, id);
    }
    return id;
  };

  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const raw of lines) {
      lineNo++;
      if (progress && (lineNo & 0xffff) === 0 && size > 0) progress(input.bytesRead / size);
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim() === '') continue;
      const fields = line.split('\t');
      if (fields.length !== 3) {
        throw new SpotError(`${path}:${lineNo}: expected 3 tab-separated fields (doc, word, count), got ${fields.length}`);
      }
      const [doc, word, countText] = fields;
      if (doc === '' || word === '') throw new SpotError(`${path}:${lineNo}: empty ${doc === '' ? 'document' : 'word'} name`);
      const count = Number(countText);
      if (countText.trim() === '' || !Number.isFinite(count) || count < 0) {
        throw new SpotError(`${path}:${lineNo}: count must be a finite number >= 0, got ${JSON.stringify(countText)}`);
      }
      docs.push(intern(docIds, doc));
      words.push(intern(wordIds, word));
      counts.push(count);
    }
  } finally {
    lines.close();
    input.destroy();
  }

  const { names: docNames, rank: docRank } = sortNames(docIds);
  const { names: wordNames, rank: wordRank } = sortNames(wordIds);
  const n = counts.length;
  const numDocs = docNames.length;

  // Counting sort by document, then sort each document's entries by word and merge duplicates.
  const docStart = new Int32Array(numDocs + 1);
  for (let i = 0; i < n; i++) docStart[docRank[docs.data[i]] + 1]++;
  for (let d = 0; d < numDocs; d++) docStart[d + 1] += docStart[d];
  const fill = docStart.slice(0, numDocs);
  const sortedWords = new Int32Array(n);
  const sortedCounts = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = fill[docRank[docs.data[i]]]++;
    sortedWords[p] = wordRank[words.data[i]];
    sortedCounts[p] = counts.data[i];
  }
  const outStart = new Int32Array(numDocs + 1);
  const outWords = new Int32Array(n);
  const outCounts = new Float64Array(n);
  let out = 0;
  const perm: number[] = [];
  for (let d = 0; d < numDocs; d++) {
    perm.length = 0;
    for (let i = docStart[d]; i < docStart[d + 1]; i++) perm.push(i);
    perm.sort((x, y) => sortedWords[x] - sortedWords[y] || x - y);
    for (const i of perm) {
      const c = sortedCounts[i];
      if (out > outStart[d] && outWords[out - 1] === sortedWords[i]) {
        outCounts[out - 1] += c;
      } else if (c > 0) {
        outWords[out] = sortedWords[i];
        outCounts[out] = c;
        out++;
      }
    }
    outStart[d + 1] = out;
  }
  return {
    corpus: {
      numDocs,
      numWords: wordNames.length,
      docStart: outStart,
      wordIds: outWords.slice(0, out),
      counts: outCounts.slice(0, out),
    },
    docNames,
    wordNames,
  };
}

/** Names in sorted order, and rank[id] = position of the name with insertion id `id`. */
function sortNames(ids: Map<string, number>): { names: string[]; rank: Int32Array } {
  const names = [...ids.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rank = new Int32Array(names.length);
  names.forEach((name, i) => (rank[ids.get(name)!] = i));
  return { names, rank };
}
