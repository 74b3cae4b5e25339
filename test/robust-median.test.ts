import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pairBytesMedian } from '../src/scoring/robust/surprise.js';
import { withEngine } from './helpers.js';

// The robust score's median of the bytes sent per pair (surprise.ts, pairBytesMedian) is found through the
// distinct values and their counts; it must be the very double that median() over every pair gives.

const cases: [string, string][] = [
  ['odd count', 'SELECT CAST(x AS HUGEINT) AS outb FROM (VALUES (5), (1), (9), (3), (7)) v(x)'],
  ['even count, interpolated', 'SELECT CAST(x AS HUGEINT) AS outb FROM (VALUES (1), (2), (3), (10)) v(x)'],
  ['even count, middle values equal', 'SELECT CAST(x AS HUGEINT) AS outb FROM (VALUES (4), (4), (4), (8), (0), (4)) v(x)'],
  ['one pair', 'SELECT CAST(12345 AS HUGEINT) AS outb'],
  ['below 1', 'SELECT CAST(0 AS HUGEINT) AS outb FROM range(3)'],
  ['no pairs', 'SELECT CAST(1 AS HUGEINT) AS outb WHERE false'],
  ['large sums, odd halves', `SELECT CAST(9007199254740993 AS HUGEINT) * (i % 7) + i AS outb FROM range(1001) t(i)`],
  ['many repeats, even', 'SELECT CAST(i % 97 * 1000003 + (i % 3) AS HUGEINT) AS outb FROM range(20000) t(i)'],
  ['random, even', 'SELECT CAST(hash(i) % 1000000007 AS HUGEINT) AS outb FROM range(5000) t(i)'],
  ['random, odd', 'SELECT CAST(hash(i, 3) % 65537 AS HUGEINT) AS outb FROM range(4999) t(i)'],
];

for (const [name, sql] of cases) {
  test(`pair bytes median equals median() over every pair: ${name}`, () =>
    withEngine(async (engine) => {
      await engine.exec(`CREATE OR REPLACE TEMP TABLE rb_pairs AS ${sql}`);
      await pairBytesMedian(engine);
      const [r] = await engine.rows(`
        SELECT (SELECT m FROM rb_median) AS got, (SELECT greatest(1, median(CAST(outb AS DOUBLE))) FROM rb_pairs) AS want,
          (SELECT count(*) FROM rb_median) AS rows`);
      assert.equal(Number(r.rows), 1);
      assert.ok(Object.is(r.got, r.want), `${name}: ${String(r.got)} against ${String(r.want)}`);
    }));
}
