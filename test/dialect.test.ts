import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { duckDbDialect } from '../src/engine/duckdb-dialect.js';
import { clickHouseDialect } from '../src/engine/clickhouse/dialect.js';
import { defineSqlHelpers } from '../src/common/sql-helpers.js';
import { flowPairCountSql } from '../src/flow/words-dialect.js';
import { tempDir, withEngine } from './helpers.js';
import { embeddedFlowPairs, pairMap, writeFlowDayWithEdges } from './flow-reference.js';

const ch = clickHouseDialect({ database: 'spot', cluster: 'spot' });

test('each engine writes what the analyses ask in its own SQL', () => {
  const cases: [string, string, string][] = [
    [duckDbDialect.ceilLog2('x'), 'CAST(ceil(log10(x) / log10(2)) AS BIGINT)', 'toInt64(ceil(log10(x) / log10(2)))'],
    [duckDbDialect.floorLog2('x'), 'CASE WHEN x = 0 THEN 0 ELSE CAST(trunc(log10(x) / log10(2)) AS BIGINT) END', 'if(x = 0, toInt64(0), toInt64(trunc(log10(x) / log10(2))))'],
    [duckDbDialect.intDiv('a', 'b'), '(a // b)', 'intDiv(a, b)'],
    [duckDbDialect.intText('x'), 'CAST(x AS VARCHAR)', 'toString(x)'],
    [duckDbDialect.concat(['a', "'_'", 'b']), "(a || '_' || b)", "concat(a, '_', b)"],
    [duckDbDialect.isTrue('c'), 'coalesce(c, false)', '(ifNull(c, 0) = 1)'],
    [duckDbDialect.inSmallTable('ip', 'wanted', 'ip'), 'ip IN (SELECT "ip" FROM wanted)', 'ip GLOBAL IN (SELECT `ip` FROM wanted)'],
    [duckDbDialect.countPerGroup('t', ['ip', 'word']), 'SELECT ip, word, count(*) AS n FROM t GROUP BY ip, word', 'SELECT ip, word, count() AS n FROM t GROUP BY ip, word'],
    [duckDbDialect.string("it's"), "'it''s'", "'it\\'s'"],
    [duckDbDialect.streamColumns('SELECT 1'), 'SELECT 1', 'SELECT 1 FORMAT JSONEachRow'],
  ];
  const chRendered = [
    ch.ceilLog2('x'), ch.floorLog2('x'), ch.intDiv('a', 'b'), ch.intText('x'), ch.concat(['a', "'_'", 'b']), ch.isTrue('c'),
    ch.inSmallTable('ip', 'wanted', 'ip'), ch.countPerGroup('t', ['ip', 'word']), ch.string("it's"), ch.streamColumns('SELECT 1'),
  ];
  cases.forEach(([duck, duckExpected, chExpected], i) => {
    assert.equal(duck, duckExpected);
    assert.equal(chRendered[i], chExpected);
  });
  const slots = [{ name: 'ip', values: ['sip', 'dip'] }];
  assert.match(ch.countPerSlot('spot.flow', slots, 'ok'), /^SELECT `ip`, count\(\) AS n FROM spot\.flow\s+ARRAY JOIN \[sip, dip\] AS `ip`\s+WHERE \(ok\) AND isNotNull\(`ip`\) GROUP BY `ip`$/);
  assert.match(duckDbDialect.countPerSlot('flows', slots, 'ok'), /unnest\(\[sip, dip\]\) AS "ip" FROM flows WHERE ok\)\s+WHERE "ip" IS NOT NULL GROUP BY "ip"/);
  const made = ch.materialise('pairs', [{ name: 'ip', type: 'text' }, { name: 'n', type: 'int64' }], 'SELECT 1', 'ip');
  assert.deepEqual(made.map((s) => s.on), ['every node', 'every node', 'every node', 'every node', 'coordinator']);
  assert.match(made[2].sql, /CREATE TABLE `spot`\.`pairs_local` \(`ip` Nullable\(String\), `n` Nullable\(Int64\)\) ENGINE = MergeTree\(\) ORDER BY tuple\(\)/);
  assert.match(made[3].sql, /ENGINE = Distributed\('spot', 'spot', 'pairs_local', cityHash64\(ifNull\(`ip`, ''\)\)\)/);
  assert.deepEqual(made[4], { on: 'coordinator', sql: 'INSERT INTO `spot`.`pairs` SELECT 1', settings: { insert_distributed_sync: 1 } });
});

test("the DuckDB dialect's formulas give the embedded macros' values", async () => {
  await withEngine(async (engine) => {
    await defineSqlHelpers(engine);
    const d = duckDbDialect;
    const [row] = await engine.rows(`
      WITH v AS (SELECT CAST(x AS BIGINT) AS x FROM (SELECT unnest(range(0, 62)) AS k), (SELECT unnest([-1, 0, 1]) AS o), (SELECT greatest(0, 2 ** k + o) AS x))
      SELECT count(*) FILTER (WHERE ${d.ceilLog2('greatest(x, 1)')} <> spot_ceil_log2(greatest(x, 1))) AS ceil_bad,
             count(*) FILTER (WHERE ${d.floorLog2('x')} <> spot_floor_log2(x)) AS floor_bad,
             count(*) AS n FROM v`);
    assert.equal(Number(row.ceil_bad), 0);
    assert.equal(Number(row.floor_bad), 0);
    assert.ok(Number(row.n) > 150, `${row.n} values`);
    const [nulls] = await engine.rows(`SELECT ${d.nonNegative('CAST(NULL AS INTEGER)')} AS a, ${d.nonNegative('-1')} AS b, ${d.nonNegative('0')} AS c,
      ${d.concat(["'a'", 'CAST(NULL AS VARCHAR)'])} AS d, ${d.intDiv('7', '2')} AS e, ${d.isTrue('NULL')} AS f`);
    assert.deepEqual({ ...nulls, e: Number(nulls.e) }, { a: false, b: false, c: true, d: null, e: 3, f: false });
    for (const s of d.materialise('small', [{ name: 'ip', type: 'text' }], "SELECT '10.0.0.1'", 'ip')) await engine.exec(s.sql);
    const [semi] = await engine.rows(`SELECT count(*) AS n FROM (SELECT unnest(['10.0.0.1', '10.0.0.2']) AS ip) WHERE ${d.inSmallTable('ip', 'small', 'ip')}`);
    assert.equal(Number(semi.n), 1);
  });
});

test("flow (ip, word) counts through the DuckDB dialect equal the embedded pipeline's, edge rows included", async () => {
  const root = tempDir('dialect-flow');
  try {
    const day = await writeFlowDayWithEdges(root, '20160505', 2000, 20);
    await withEngine(async (engine) => {
      const expected = await embeddedFlowPairs(engine, day);
      const got = pairMap(await engine.rows(flowPairCountSql(duckDbDialect, 'raw_input')));
      assert.ok(expected.size > 100);
      assert.deepEqual(got, expected);
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
