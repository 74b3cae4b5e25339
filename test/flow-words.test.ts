import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDbEngine } from '../src/engine/duckdb.js';
import { defineSqlHelpers } from '../src/common/sql-helpers.js';
import { withFlowWords } from '../src/flow/words.js';
import { flowRowsSql, readVectors } from './helpers.js';

test('every flow vector of the original test suite gives its source and destination words', async () => {
  const vectors = readVectors().flow as any[];
  assert.ok(vectors.length >= 11);
  const engine = await DuckDbEngine.open();
  try {
    await defineSqlHelpers(engine);
    for (const v of vectors) {
      const rows = await engine.rows(
        `SELECT spot_word_src AS src, spot_word_dst AS dst FROM (${withFlowWords(`(${flowRowsSql([v])})`)})`,
      );
      assert.deepEqual(rows[0], { src: v.srcWord, dst: v.dstWord }, JSON.stringify(v));
    }
  } finally {
    await engine.close();
  }
});

test('integer-valued floating fields print as integers and a missing protocol gives no word', async () => {
  const engine = await DuckDbEngine.open();
  try {
    await defineSqlHelpers(engine);
    const rows = await engine.rows(`
      SELECT spot_word_src AS src, spot_word_dst AS dst FROM (${withFlowWords(`(
        SELECT 12.0 AS trhour, 2132.0 AS sport, 23.0 AS dport, 'UDP' AS proto, 222.0 AS ibyt, 3.0 AS ipkt
        UNION ALL SELECT 12, 2132, 23, NULL, 222, 3)`)})`);
    assert.deepEqual(rows[0], { src: '23_UDP_12_8_2', dst: '-1_23_UDP_12_8_2' });
    assert.deepEqual(rows[1], { src: null, dst: null });
  } finally {
    await engine.close();
  }
});
