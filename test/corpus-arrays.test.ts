import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDbEngine } from '../src/engine/duckdb.js';
import { readCorpus } from '../src/pipeline/corpus-arrays.js';
import type { Engine } from '../src/engine/engine.js';

/** A seeded generator, so a failure can be replayed. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

interface Pair {
  doc: number;
  word: number;
  n: number;
}

/** Day pairs (distinct (doc, word), shuffled) and extra pairs (some on day pairs, some not). Doc 0 has more pairs than a short row. */
function pairs(seed: number, numDocs: number, numWords: number): { day: Pair[]; extra: Pair[] } {
  const rnd = lcg(seed);
  const day: Pair[] = [];
  const extra: Pair[] = [];
  for (let doc = 0; doc < numDocs; doc++) {
    const share = doc === 0 ? 0.9 : rnd() * 0.3;
    for (let word = 0; word < numWords; word++) {
      if (rnd() < share) day.push({ doc, word, n: 1 + Math.floor(rnd() * 5) });
      if (rnd() < 0.05) extra.push({ doc, word, n: 1 + Math.floor(rnd() * 3) });
    }
  }
  for (let i = day.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [day[i], day[j]] = [day[j], day[i]];
  }
  return { day, extra };
}

async function load(engine: Engine, numDocs: number, day: Pair[], extra: Pair[]): Promise<void> {
  const table = (list: Pair[]) => [
    { name: 'doc', type: 'INTEGER' as const, values: Int32Array.from(list, (p) => p.doc) },
    { name: 'word', type: 'INTEGER' as const, values: Int32Array.from(list, (p) => p.word) },
    { name: 'cnt', type: 'DOUBLE' as const, values: Float64Array.from(list, (p) => p.n) },
  ];
  await engine.createTable('spot_day_pairs', table(day));
  await engine.createTable('spot_extra_corpus', table(extra));
  await engine.exec(`
    CREATE OR REPLACE TABLE spot_docs AS
    SELECT CAST(range AS INTEGER) AS id, (SELECT count(*) FROM spot_day_pairs p WHERE p.doc = range) AS pairs FROM range(${numDocs})`);
}

for (const withExtra of [false, true]) {
  test(`readCorpus puts day pairs streamed in any order into (document, word) order${withExtra ? ', merging extra pairs' : ''}`, async () => {
    const numDocs = 40;
    const numWords = 70;
    const { day, extra } = pairs(withExtra ? 2 : 1, numDocs, numWords);
    const engine = await DuckDbEngine.open();
    try {
      await load(engine, numDocs, day, withExtra ? extra : []);
      const { corpus, dayCounts } = await readCorpus(engine, numDocs, numWords, 'SELECT doc, word, cnt FROM spot_day_pairs');

      const expected = new Map<string, { count: number; day: number }>();
      for (const p of day) expected.set(`${p.doc},${p.word}`, { count: p.n, day: p.n });
      for (const p of withExtra ? extra : []) {
        const e = expected.get(`${p.doc},${p.word}`) ?? { count: 0, day: 0 };
        expected.set(`${p.doc},${p.word}`, { count: e.count + p.n, day: e.day });
      }
      const keys = [...expected.keys()].map((k) => k.split(',').map(Number)).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      assert.equal(corpus.wordIds.length, keys.length);
      assert.ok(corpus.docStart[1] - corpus.docStart[0] > 32, 'a long row is exercised');
      let e = 0;
      for (let d = 0; d < numDocs; d++) {
        assert.equal(corpus.docStart[d], e, `docStart[${d}]`);
        for (; e < keys.length && keys[e][0] === d; e++) {
          const want = expected.get(`${d},${keys[e][1]}`)!;
          assert.deepEqual([corpus.wordIds[e], corpus.counts[e], dayCounts[e]], [keys[e][1], want.count, want.day], `entry ${e}`);
        }
      }
      assert.equal(corpus.docStart[numDocs], keys.length);
      assert.equal(dayCounts === corpus.counts, !withExtra, 'the day counts are the counts exactly when there are no extra pairs');
    } finally {
      await engine.close();
    }
  });
}
