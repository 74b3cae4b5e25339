import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sortCorpus } from '../src/pipeline/corpus.js';
import { readCorpus } from '../src/pipeline/corpus-arrays.js';
import { withEngine } from './helpers.js';

/**
 * The corpus is sorted one range of documents at a time (to bound the sort's memory); whatever the number of
 * ranges, spot_corpus must hold exactly the pairs in (doc, word) order, as one whole sort gives them.
 */
test('the corpus sorted by ranges of documents equals one whole sort, for any number of ranges', async () => {
  await withEngine(async (engine) => {
    // 120 documents, some empty (every fifth), uneven sizes; rows stored in a shuffled order.
    await engine.exec(`
      CREATE OR REPLACE TABLE spot_pairs_source AS
      SELECT CAST(d AS INTEGER) AS doc, CAST(w AS INTEGER) AS word, CAST(1 + (d * 7 + w) % 5 AS DOUBLE) AS cnt
      FROM range(120) t(d), range(60) s(w)
      WHERE d % 5 <> 0 AND w < 3 + (d * 13) % 58
      ORDER BY hash(d, w)`);
    const expected = await engine.rows('SELECT doc, word, cnt FROM spot_pairs_source ORDER BY doc, word');
    assert.ok(expected.length > 2000);
    for (const perSort of [1_000_000, 1000, 333, 7, 1]) {
      await engine.exec('CREATE OR REPLACE TABLE spot_corpus_unsorted AS SELECT * FROM spot_pairs_source');
      await sortCorpus(engine, 120, expected.length, perSort);
      const sorted = await engine.rows('SELECT doc, word, cnt FROM spot_corpus');
      assert.deepEqual(sorted, expected, `${perSort} pairs per sort`);
      const [{ left }] = await engine.rows(`SELECT count(*) AS left FROM duckdb_tables() WHERE table_name = 'spot_corpus_unsorted'`);
      assert.equal(Number(left), 0, 'the unsorted pairs are dropped');
      // What the run reads next: the stream checks the (doc, word) order itself.
      await engine.exec('CREATE OR REPLACE TABLE spot_extra_corpus (doc INTEGER, word INTEGER, cnt DOUBLE)');
      const { corpus } = await readCorpus(engine, 120, 60);
      assert.equal(corpus.wordIds.length, expected.length);
      assert.equal(corpus.docStart[120], expected.length);
    }
  });
});
