import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readCorpus } from '../src/pipeline/corpus-arrays.js';
import { withEngine } from './helpers.js';

test('streamNumbers hands INTEGER and DOUBLE columns over as typed arrays, chunk by chunk, and refuses NULLs and other types', async () => {
  await withEngine(async (engine) => {
    const seen: number[] = [];
    let sum = 0;
    await engine.streamNumbers('SELECT CAST(i AS INTEGER) AS a, i / 2 AS b FROM range(5000) t(i)', (cols, rows) => {
      const [a, b] = cols;
      assert.ok(a instanceof Int32Array && b instanceof Float64Array);
      assert.equal(a.length, rows);
      for (let r = 0; r < rows; r++) {
        seen.push(a[r]);
        sum += b[r];
      }
    });
    assert.deepEqual(seen, Array.from({ length: 5000 }, (_, i) => i));
    assert.equal(sum, (4999 * 5000) / 4);
    await assert.rejects(
      engine.streamNumbers('SELECT CASE WHEN i = 3000 THEN NULL ELSE CAST(i AS INTEGER) END AS a FROM range(5000) t(i)', () => {}),
      /column 1 of a numeric stream has a NULL/,
    );
    await assert.rejects(engine.streamNumbers('SELECT i FROM range(3) t(i)', () => {}), /column 1 of a numeric stream is BIGINT/);
  });
});

test('readCorpus: the day pairs copied chunk by chunk, extra pairs merged in (doc, word) order wherever they fall', async () => {
  await withEngine(async (engine) => {
    const numDocs = 700;
    const numWords = 40;
    // About 9,000 day pairs (several 2,048-row chunks); extra pairs: some equal to day pairs, some new, some in
    // documents without day pairs, at chunk edges and at the ends.
    await engine.exec(`
      CREATE TABLE spot_corpus AS
      SELECT CAST(d AS INTEGER) AS doc, CAST(w AS INTEGER) AS word, CAST(1 + (d * 7 + w) % 5 AS DOUBLE) AS cnt
      FROM range(${numDocs}) a(d), range(${numWords}) b(w)
      WHERE d % 11 <> 3 AND (d * 13 + w * 17) % 3 = 0
      ORDER BY doc, word;
      CREATE TABLE spot_extra_corpus AS
      SELECT CAST(d AS INTEGER) AS doc, CAST(w AS INTEGER) AS word, CAST(10 + d % 4 AS DOUBLE) AS cnt
      FROM range(${numDocs}) a(d), range(${numWords}) b(w)
      WHERE (d IN (0, 3, 150, 151, 152, 699) OR d % 97 = 5) AND w % 9 = d % 2;`);
    const day = await engine.rows('SELECT doc, word, cnt FROM spot_corpus ORDER BY doc, word');
    const extra = await engine.rows('SELECT doc, word, cnt FROM spot_extra_corpus');
    const expected = new Map<number, { count: number; day: number }>();
    for (const r of day) expected.set(Number(r.doc) * numWords + Number(r.word), { count: Number(r.cnt), day: Number(r.cnt) });
    for (const r of extra) {
      const key = Number(r.doc) * numWords + Number(r.word);
      const entry = expected.get(key) ?? { count: 0, day: 0 };
      expected.set(key, { count: entry.count + Number(r.cnt), day: entry.day });
    }
    const keys = [...expected.keys()].sort((a, b) => a - b);
    assert.ok(day.length > 4 * 2048, `${day.length} day pairs`);

    const { corpus, dayCounts } = await readCorpus(engine, numDocs, numWords);
    assert.equal(corpus.wordIds.length, keys.length);
    for (let d = 0; d < numDocs; d++) {
      for (let e = corpus.docStart[d]; e < corpus.docStart[d + 1]; e++) {
        const key = keys[e];
        assert.equal(d * numWords + corpus.wordIds[e], key, `entry ${e}`);
        assert.equal(corpus.counts[e], expected.get(key)!.count, `count of entry ${e}`);
        assert.equal(dayCounts[e], expected.get(key)!.day, `day count of entry ${e}`);
      }
    }
    assert.equal(corpus.docStart[numDocs], keys.length);

    // Without extra pairs the day counts are the counts themselves.
    await engine.exec('DELETE FROM spot_extra_corpus');
    const plain = await readCorpus(engine, numDocs, numWords);
    assert.equal(plain.dayCounts, plain.corpus.counts);
    assert.deepEqual(Array.from(plain.corpus.counts), day.map((r) => Number(r.cnt)));
    assert.deepEqual(Array.from(plain.corpus.wordIds), day.map((r) => Number(r.word)));

    // A corpus out of order is refused.
    await engine.exec('CREATE OR REPLACE TABLE spot_corpus AS SELECT * FROM (VALUES (0, 1, 1.0), (0, 0, 1.0)) t(doc, word, cnt)');
    await engine.exec('ALTER TABLE spot_corpus ALTER doc TYPE INTEGER; ALTER TABLE spot_corpus ALTER word TYPE INTEGER; ALTER TABLE spot_corpus ALTER cnt TYPE DOUBLE');
    await assert.rejects(readCorpus(engine, 1, 2), /not in \(document, word\) order/);
  });
});
