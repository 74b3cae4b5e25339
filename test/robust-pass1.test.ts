import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAggregates, featureColumns, hourAndSlotBits } from '../src/scoring/robust/aggregates.js';
import { withEngine } from './helpers.js';

// Pass 1 of the robust aggregates (aggregates.ts, buildAggregates) groups the pairs and the (host, value)s
// in two statements, each computing only the states it uses (session 9). Its tables must hold exactly what
// the one GROUPING SETS query before it gave: the same rows, values and types.

const m = 3;
const f = featureColumns(m);

/** rb_pairs and rb_values_<j> as the single GROUPING SETS query of session 8 made them. */
const reference = `
  CREATE OR REPLACE TEMP TABLE ref_pass1 AS
  SELECT GROUPING_ID(host, peer, ${f.join(', ')}) AS gid, host, peer, ${f.join(', ')}, count(*) AS n, count(*) FILTER (WHERE init) AS n_init,
    sum(outb) AS outb, bit_or(${hourAndSlotBits}) AS bits
  FROM ev GROUP BY GROUPING SETS ((host, peer), ${f.map((c) => `(host, ${c})`).join(', ')});
  CREATE OR REPLACE TEMP TABLE ref_pairs AS
  SELECT host, peer, n, n_init, CAST(outb AS HUGEINT) AS outb, bits & 16777215 AS hours FROM ref_pass1 WHERE gid = 7;
  ${f.map((c, j) => `CREATE OR REPLACE TEMP TABLE ref_values_${j} AS
  SELECT host, ${c} AS v, bits & 16777215 AS hours, bits >> 24 AS peers_lb FROM ref_pass1 WHERE gid = ${31 - 16 - (1 << (2 - j))};`).join('\n')}`;

// Events with repeated hosts, peers and values, every hour, both directions, large byte counts and NULL-free keys.
const events = `
  CREATE OR REPLACE TEMP TABLE ev AS
  SELECT 'f' || (i % 3) AS spot_file, i AS spot_row, hash(i % 37) AS host, hash(i % 211, 1) AS peer, i % 5 <> 0 AS init,
    CAST((i * 7919) % 86400 + (i % 4) * 86400 AS BIGINT) AS t, CAST(i % 1500 AS BIGINT) AS size,
    CAST(CASE WHEN i % 101 = 0 THEN 4000000000000 + i ELSE i % 9000 END AS BIGINT) AS outb,
    hash(i % 13, 2) AS f0, CAST(i % 24 AS BIGINT) AS f1, CAST(i % 9 AS BIGINT) AS f2
  FROM range(20000) r(i)`;

/** Rows of `a` not in `b` plus rows of `b` not in `a` (bags). */
const difference = (a: string, b: string) => `SELECT count(*) AS d FROM ((SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b}) UNION ALL (SELECT * FROM ${b} EXCEPT ALL SELECT * FROM ${a}))`;

test('robust pass 1 in two groupings gives the pairs and values of one GROUPING SETS query', () =>
  withEngine(async (engine) => {
    await engine.exec(events);
    await engine.exec(reference);
    await buildAggregates(engine, m, 'ev');
    const pairs = await engine.rows(`SELECT count(*) AS n FROM rb_pairs`);
    assert.ok(Number(pairs[0].n) > 1000, 'the events form many pairs');
    for (const [got, want] of [['rb_pairs', 'ref_pairs'], ...f.map((_, j) => [`rb_values_${j}`, `ref_values_${j}`])]) {
      const [{ d }] = await engine.rows(difference(got, want));
      assert.equal(Number(d), 0, `${got} differs from ${want}`);
      const types = async (t: string) => (await engine.describe(t)).map((c) => `${c.name}:${c.type}`).join(',');
      assert.equal(await types(got), await types(want), `${got}'s columns`);
      const [{ n }] = await engine.rows(`SELECT count(*) AS n FROM ${got}`);
      assert.ok(Number(n) > 0, `${got} is not empty`);
    }
  }));
