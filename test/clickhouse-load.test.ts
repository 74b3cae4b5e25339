import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { parquetRowCount, runCli, tempDir, withEngine, writeParquet, writeRowsParquet } from './helpers.js';
import { dnsColumns } from './columns.js';
import { startCluster, freePorts, runCliAsync, type TestCluster } from './clickhouse.js';
import { generateFlowDay } from '../src/demo/flow-day.js';
import { generateDnsDay } from '../src/demo/dns-day.js';
import { generateProxyDay } from '../src/demo/proxy-day.js';
import { sqlString } from '../src/engine/engine.js';
import { ClickHouseCluster } from '../src/engine/clickhouse/cluster.js';

const DATE = '20160505';
const DAY = '2016-05-05';

describe('spot-ml load into a two-shard ClickHouse cluster', { timeout: 240_000 }, () => {
  let cluster: TestCluster;
  let cli: ClickHouseCluster;
  let root: string;
  const days: Record<string, string> = {};
  /** Temp folders of single tests, removed after all of them (even when one fails). */
  const dirs: string[] = [];
  const testDir = (name: string) => {
    const dir = tempDir(name);
    dirs.push(dir);
    return dir;
  };

  const loadArgs = (type: string, input: string, extra: string[] = []) => [
    'load', '--analysis', type, '--input', input, '--date', DATE, '--clickhouse-url', cluster.url, '--quiet', ...extra,
  ];
  const count = async (sql: string, node = 0) => Number(Object.values((await cli.nodes[node].rows(sql))[0])[0]);

  before(async () => {
    cluster = await startCluster();
    cli = await ClickHouseCluster.connect({ url: cluster.url, database: 'spot', cluster: 'spot', timeoutSeconds: 10 });
    root = tempDir('clickhouse-load');
    await withEngine(async (engine) => {
      days.flow = await generateFlowDay(engine, { root, rows: 3000, hosts: 30, date: DATE });
      days.dns = await generateDnsDay(engine, { root, rows: 1500, hosts: 25, date: DATE, userDomain: 'spotdemo', tunnelQueries: 3 });
      days.proxy = await generateProxyDay(engine, { root, rows: 1500, hosts: 25, date: DATE, userDomain: 'spotdemo', beaconRequests: 2 });
    });
  });

  after(async () => {
    await cli?.close();
    cluster?.stop();
    for (const dir of [root, ...dirs]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const type of ['flow', 'dns', 'proxy']) {
    test(`${type}: a demo day lands once per event, over both shards, with the values DuckDB reads`, async () => {
      const expected = await parquetRowCount(join(days[type], '**', '*.parquet'));
      for (let i = 0; i < 2; i++) {
        const run = runCli(loadArgs(type, days[type]));
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stdout, new RegExp(`loaded ${expected.toLocaleString('en-US')} ${type} rows of ${DATE}`));
      }
      assert.equal(await count(`SELECT count() FROM spot.${type} WHERE spot_day = '${DAY}'`), expected);
      assert.equal(await count(`SELECT uniqExact(spot_file, spot_row) FROM spot.${type} WHERE spot_day = '${DAY}'`), expected, 'each event once');
      const perShard = [await count(`SELECT count() FROM spot.${type}_local`, 0), await count(`SELECT count() FROM spot.${type}_local`, 1)];
      assert.ok(perShard[0] > 0 && perShard[1] > 0, `rows on both shards: ${perShard}`);
      // One document's events sit on one shard.
      const ip = { flow: 'sip', dns: 'ip_dst', proxy: 'clientip' }[type]!;
      const ips = [
        (await cli.nodes[0].rows<{ ip: string }>(`SELECT DISTINCT ${ip} AS ip FROM spot.${type}_local`)).map((r) => r.ip),
        new Set((await cli.nodes[1].rows<{ ip: string }>(`SELECT DISTINCT ${ip} AS ip FROM spot.${type}_local`)).map((r) => r.ip)),
      ] as const;
      assert.ok(ips[0].every((x) => !ips[1].has(x)), `no ${ip} on both shards`);
    });
  }

  test('flow: the stored values are exactly the Parquet values (doubles too), with spot_file/spot_row as the embedded run orders ties', async () => {
    const dir = testDir('clickhouse-exact');
    const file = join(dir, 'awkward.parquet');
    // Doubles that ClickHouse 18.16's text parser reads one unit off in the last place.
    const tdurs = ['9.38595867742349e-10', '5.91153435001304e-06', '8.323413780389788e-10', '0.30000000000000004', '1e300'];
    await writeParquet(
      file,
      `SELECT '2016-05-05 13:00:00' AS treceived, 2016 AS tryear, 5 AS trmonth, 5 AS trday, 13 AS trhour, 0 AS trminute, 0 AS trsec,
        CAST(t AS DOUBLE) AS tdur, '10.0.0.' || i AS sip, '10.9.9.9' AS dip, 1000 + i AS sport, 80 AS dport,
        CASE WHEN i = 2 THEN NULL ELSE 'TCP' END AS proto, CAST(i AS BIGINT) AS ipkt, CAST(9007199254740993 AS BIGINT) AS ibyt,
        CAST(0 AS BIGINT) AS opkt, CAST(-1 AS BIGINT) AS obyt
       FROM (SELECT unnest([${tdurs.join(', ')}]) AS t, unnest(range(${tdurs.length})) AS i) ORDER BY i`,
    );
    const run = runCli(loadArgs('flow', file, ['--clickhouse-database', 'exact']));
    assert.equal(run.code, 0, run.stderr);
    const rows = await cli.initiator.rows<{ tdur: number; bits: string; proto: string | null; ibyt: string; spot_file: string; spot_row: string }>(
      `SELECT tdur, hex(reinterpretAsString(tdur)) AS bits, proto, ibyt, spot_file, spot_row FROM exact.flow ORDER BY spot_file, spot_row`,
    );
    assert.deepEqual(rows.map((r) => Number(r.spot_row)), [0, 1, 2, 3, 4]);
    assert.ok(rows.every((r) => r.spot_file === file));
    const bitsOf = (x: number) => {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(x);
      let end = 8;
      while (end > 0 && b[end - 1] === 0) end--; // reinterpretAsString drops trailing zero bytes
      return b.subarray(0, end).toString('hex').toUpperCase();
    };
    assert.deepEqual(rows.map((r) => r.bits), tdurs.map((t) => bitsOf(Number(t))));
    assert.deepEqual(rows.map((r) => r.proto), ['TCP', 'TCP', null, 'TCP', 'TCP']);
    assert.ok(rows.every((r) => r.ibyt === '9007199254740993'), '64-bit integers exactly');
    // The table now has this day's types: a day with other types is refused, naming the columns.
    const other = runCli(loadArgs('flow', days.flow, ['--clickhouse-database', 'exact']));
    assert.equal(other.code, 2);
    assert.match(other.stderr, /the table exact\.flow_local on http:\/\/127\.0\.0\.1:\d+ does not have this day's column types:\n {2}tdur: the table has Nullable\(Float64\), the day needs Nullable\(Float32\)\n {2}sport: the table has Nullable\(Int64\), the day needs Nullable\(Int32\)\n/);
    assert.equal(await count('SELECT count() FROM exact.flow'), tdurs.length, 'the table kept its day');
  });

  test('reloading a day replaces it, even where a shard gets none of the new rows', async () => {
    const dir = testDir('clickhouse-replace');
    const one = join(dir, 'one.parquet');
    await writeParquet(one, `SELECT * FROM read_parquet(${sqlString(join(days.flow, '**', '*.parquet'))}) LIMIT 1`);
    const db = ['--clickhouse-database', 'replace'];
    assert.equal(runCli(loadArgs('flow', days.flow, db)).code, 0);
    const run = runCli(loadArgs('flow', one, db));
    assert.equal(run.code, 0, run.stderr);
    assert.equal(await count(`SELECT count() FROM replace.flow`), 1);
    const perShard = [await count('SELECT count() FROM replace.flow_local', 0), await count('SELECT count() FROM replace.flow_local', 1)].sort();
    assert.deepEqual(perShard, [0, 1]);
    // Another day is left alone.
    assert.equal(runCli(['load', '--analysis', 'flow', '--input', one, '--date', '20160506', '--clickhouse-url', cluster.url, '--quiet', ...db]).code, 0);
    assert.equal(await count(`SELECT count() FROM replace.flow`), 2);
  });

  test('a day with the wrong schema is refused with the embedded run\'s column messages, exit 2, nothing loaded', async () => {
    const dir = testDir('clickhouse-schema');
    const columns: Record<string, string> = { ...dnsColumns, frame_len: 'VARCHAR' };
    delete columns.dns_qry_rcode;
    const input = join(dir, 'bad.parquet');
    await writeRowsParquet(input, columns, [Object.fromEntries(Object.entries(columns).map(([n, t]) => [n, t === 'VARCHAR' ? '1' : 1]))]);
    const embedded = runCli(['--analysis', 'dns', '--input', input, '--scored', join(dir, 'scored'), '--quiet']);
    const load = runCli(['load', '--analysis', 'dns', '--input', input, '--date', DATE, '--clickhouse-url', cluster.url, '--clickhouse-database', 'badschema', '--quiet']);
    assert.equal(load.code, 2);
    const columnLines = (s: string) => s.split('\n').filter((l) => /^ {2}\w+: expected/.test(l));
    assert.deepEqual(columnLines(load.stderr), columnLines(embedded.stderr));
    assert.equal(columnLines(load.stderr).length, 2);
    assert.equal(await count(`SELECT count() FROM system.databases WHERE name = 'badschema'`), 0);
  });

  test('a wrong URL, a wrong password and a silent shard each give one message naming the server, non-zero, within the timeout', async () => {
    const [nobody] = await freePorts(1);
    const wrongUrl = await runCliAsync(['load', '--analysis', 'flow', '--input', days.flow, '--date', DATE, '--quiet',
      '--clickhouse-url', `http://127.0.0.1:${cluster.httpPorts[0]},http://127.0.0.1:${nobody}`]);
    assert.equal(wrongUrl.code, 2);
    assert.match(wrongUrl.stderr, new RegExp(`^spot-ml: error: ClickHouse server http://127.0.0.1:${nobody} cannot be reached`));

    const password = 'not-the-password-42';
    const wrongPassword = await runCliAsync(loadArgs('flow', days.flow), { SPOT_CLICKHOUSE_PASSWORD: password });
    assert.equal(wrongPassword.code, 2);
    assert.match(wrongPassword.stderr, /ClickHouse server http:\/\/127\.0\.0\.1:\d+ refused the login of user "default"/);
    assert.ok(!wrongPassword.stderr.includes(password) && !wrongPassword.stdout.includes(password), 'the password is never printed');

    const inUrl = await runCliAsync(loadArgs('flow', days.flow, ['--clickhouse-url', `http://default:${password}@127.0.0.1:${cluster.httpPorts[0]}`]));
    assert.equal(inUrl.code, 2);
    assert.match(inUrl.stderr, /do not put the password in the URL/);
    assert.ok(!inUrl.stderr.includes(password));

    const shard2 = cluster.pid(2);
    process.kill(shard2, 'SIGSTOP');
    try {
      const silent = await runCliAsync(loadArgs('flow', days.flow, ['--clickhouse-timeout', '2']));
      assert.equal(silent.code, 2);
      assert.match(silent.stderr, new RegExp(`ClickHouse server http://127.0.0.1:${cluster.httpPorts[1]} did not answer within 2 s`));
      assert.ok(silent.seconds < 30, `gave up after ${silent.seconds} s`);
      // Behind the initiator: a distributed query names the silent shard's native address.
      const viaInitiator = await ClickHouseCluster.connect({ url: `http://127.0.0.1:${cluster.httpPorts[0]}`, database: 'spot', cluster: 'spot', timeoutSeconds: 2 }).catch((e) => e);
      assert.match(String(viaInitiator.message), /has 2 shard\(s\) but --clickhouse-url names 1/);
    } finally {
      process.kill(shard2, 'SIGCONT');
    }
  });

  test('a statement may outlast the timeout while every server answers; a shard falling silent stops it within the timeout, naming the shard', async () => {
    const one = await ClickHouseCluster.connect({ url: cluster.url, database: 'spot', cluster: 'spot', timeoutSeconds: 1 });
    try {
      const slow = 'SELECT count() AS n FROM spot.flow WHERE sleepEachRow(0.0015) = 0';
      const started = Date.now();
      const [{ n }] = await one.rows<{ n: string }>(slow);
      assert.ok(Number(n) > 0);
      assert.ok(Date.now() - started > 1500, 'the statement ran longer than the timeout');

      const shard2 = cluster.pid(2);
      const stopping = setTimeout(() => process.kill(shard2, 'SIGSTOP'), 300);
      try {
        const t = Date.now();
        const err = await one.rows(slow).catch((e) => e);
        assert.ok(err instanceof Error, 'the query failed');
        assert.equal(err.message, `ClickHouse server http://127.0.0.1:${cluster.httpPorts[1]} did not answer within 1 s (--clickhouse-timeout)`);
        assert.ok(Date.now() - t < 15_000, `stopped after ${Date.now() - t} ms`);
      } finally {
        clearTimeout(stopping);
        process.kill(shard2, 'SIGCONT');
      }
    } finally {
      await one.close();
    }
  });

  test('a shard that is down: a distributed query names it (run last: the shard stays down)', async () => {
    const one = await ClickHouseCluster.connect({ url: cluster.url, database: 'spot', cluster: 'spot', timeoutSeconds: 5 });
    try {
      const pid = cluster.pid(2);
      process.kill(pid, 'SIGKILL');
      while (alive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
      const err = await one.rows('SELECT count() FROM spot.flow').catch((e) => e);
      assert.ok(err instanceof Error, 'the query failed');
      assert.equal(err.message, `ClickHouse server http://127.0.0.1:${cluster.httpPorts[0]} cannot reach the shard 127.0.0.1:${cluster.tcpPorts[1]}: connection refused (is it running?)`);
      const load = runCli(loadArgs('flow', days.flow));
      assert.equal(load.code, 2);
      assert.match(load.stderr, new RegExp(`ClickHouse server http://127.0.0.1:${cluster.httpPorts[1]} cannot be reached: connection refused`));
    } finally {
      await one.close();
    }
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
