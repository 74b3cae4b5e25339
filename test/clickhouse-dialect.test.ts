import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { sqlString } from '../src/engine/engine.js';
import { runCli, tempDir, withEngine } from './helpers.js';
import { startCluster, type TestCluster } from './clickhouse.js';
import { embeddedFlowPairs, pairMap, writeFlowDayWithEdges } from './flow-reference.js';
import { ClickHouseCluster } from '../src/engine/clickhouse/cluster.js';
import { clickHouseDialect } from '../src/engine/clickhouse/dialect.js';
import { duckDbDialect } from '../src/engine/duckdb-dialect.js';
import { flowPairCountSql } from '../src/flow/words-dialect.js';

describe('the ClickHouse dialect on a two-shard cluster', { timeout: 180_000 }, () => {
  let cluster: TestCluster;
  let ch: ClickHouseCluster;
  let root: string;
  let day: string;
  const d = clickHouseDialect({ database: 'spot', cluster: 'spot' });

  before(async () => {
    cluster = await startCluster();
    ch = await ClickHouseCluster.connect({ url: cluster.url, database: 'spot', cluster: 'spot', timeoutSeconds: 20 });
    root = tempDir('clickhouse-dialect');
    day = await writeFlowDayWithEdges(root, '20160505', 4000, 40);
    const load = runCli(['load', '--analysis', 'flow', '--input', day, '--date', '20160505', '--clickhouse-url', cluster.url, '--quiet']);
    assert.equal(load.code, 0, load.stderr);
  });

  after(async () => {
    await ch?.close();
    cluster?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test("the flow (ip, word) counts made on the shards equal the embedded pipeline's for the same day", async () => {
    const expected = await withEngine((engine) => embeddedFlowPairs(engine, day));
    const got = pairMap(await ch.rows(flowPairCountSql(d, 'spot.flow', "spot_day = '2016-05-05'")));
    assert.ok(expected.size > 200, `${expected.size} pairs`);
    assert.deepEqual(got, expected);
  });

  test('log2 bins, integer division and text give the same values as DuckDB at every power of two', async () => {
    const values = Array.from({ length: 62 }, (_, k) => [2n ** BigInt(k) - 1n, 2n ** BigInt(k), 2n ** BigInt(k) + 1n]).flat().filter((x) => x >= 0n);
    const exprs = (dialect: typeof d) => [dialect.ceilLog2(`${dialect.name === 'clickhouse' ? 'greatest(x, toInt64(1))' : 'greatest(x, 1)'}`), dialect.floorLog2('x'), dialect.intDiv('x', '7'), dialect.intText('x')];
    const list = values.join(', ');
    const fromCh = await ch.rows<Record<string, string>>(
      `SELECT ${exprs(d).map((e, i) => `toString(${e}) AS c${i}`).join(', ')} FROM (SELECT arrayJoin([${list}]) AS x) ORDER BY x`,
    );
    const fromDuck = await withEngine((engine) =>
      engine.rows(`SELECT ${exprs(duckDbDialect).map((e, i) => `CAST(${e} AS VARCHAR) AS c${i}`).join(', ')} FROM (SELECT unnest([${list}]::BIGINT[]) AS x) ORDER BY x`),
    );
    assert.equal(fromCh.length, values.length);
    assert.deepEqual(fromCh, fromDuck);
  });

  test('a small table materialised on the shards, then a GLOBAL IN semi-join against it', async () => {
    await ch.run(d.materialise('wanted', [{ name: 'ip', type: 'text' }], `SELECT DISTINCT sip AS ip FROM spot.flow WHERE sport = 0 OR dport = 0`, 'ip'));
    const [{ n }] = await ch.rows<{ n: string }>(`SELECT count() AS n FROM spot.flow WHERE ${d.inSmallTable('sip', 'spot.wanted', 'ip')}`);
    const [{ m }] = await withEngine((engine) =>
      engine.rows(`WITH f AS (SELECT * FROM read_parquet(${sqlString(join(day, '**', '*.parquet'))}, union_by_name = true))
        SELECT count(*) AS m FROM f WHERE sip IN (SELECT sip FROM f WHERE sport = 0 OR dport = 0)`),
    );
    assert.ok(Number(n) > 0);
    assert.equal(Number(n), Number(m));
  });
});
