/**
 * The cluster tests' days (flow, DNS, proxy, each with invalid rows, word errors and repeated events) and
 * the comparison of a cluster run with the embedded run of the same day.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flowRowsSql, query, runCli, withEngine, writeParquet } from './helpers.js';
import type { TestCluster } from './clickhouse.js';
import { generateFlowDay } from '../src/demo/flow-day.js';
import { generateDnsDay } from '../src/demo/dns-day.js';
import { generateProxyDay } from '../src/demo/proxy-day.js';
import { sqlString } from '../src/engine/engine.js';
import { analysisFor } from '../src/pipeline/analyses.js';
import { CORPUS_FILE, DISTRIBUTION_FILE } from '../src/output/corpus.js';
import { ROBUST_PARTS_FILE } from '../src/scoring/robust/parts.js';

export const DATE = '20160505';
export const LDA = ['--ldatopiccount', '5', '--ldamaxiterations', '10', '--quiet'];

export type DayType = 'flow' | 'dns' | 'proxy';
export type Days = Record<DayType, string>;

/** A day's files of a run, compared byte for byte (results, model) or by content in Spot's columns (invalid records). */
export async function assertSameRun(type: string, embedded: string, cluster: string, label: string): Promise<void> {
  const results = `${type}_results.csv`;
  assert.equal(readFileSync(join(cluster, results), 'utf8'), readFileSync(join(embedded, results), 'utf8'), `${label}: results`);
  // A spot run's topic model and the console's files of it; a robust run's explanation of its scores instead.
  const robust = existsSync(join(embedded, ROBUST_PARTS_FILE));
  assert.equal(existsSync(join(cluster, ROBUST_PARTS_FILE)), robust, `${label}: ${ROBUST_PARTS_FILE} in both or neither`);
  const perRunFiles = robust ? [ROBUST_PARTS_FILE] : [CORPUS_FILE, DISTRIBUTION_FILE];
  if (robust) assert.ok(!existsSync(join(embedded, 'model')) && !existsSync(join(cluster, 'model')), `${label}: a robust run fits no topic model`);
  const models = robust ? [] : readdirSync(join(embedded, 'model')).sort();
  if (!robust) assert.deepEqual(readdirSync(join(cluster, 'model')).sort(), models, `${label}: model files`);
  for (const f of models) assert.ok(readFileSync(join(cluster, 'model', f)).equals(readFileSync(join(embedded, 'model', f))), `${label}: model/${f}`);
  const invalidFiles = readdirSync(join(embedded, 'invalid_records')).sort();
  assert.deepEqual(readdirSync(join(cluster, 'invalid_records')).sort(), invalidFiles, `${label}: invalid record files`);
  const cols = analysisFor(type).schema.map((c) => `"${c.name}"`).join(', ');
  for (const f of invalidFiles) {
    // The embedded run writes word errors in no particular order (they come through joins): compared sorted.
    const order = f === 'invalid.parquet' ? '' : 'ORDER BY ALL';
    const read = (dir: string) => query(`SELECT ${cols} FROM read_parquet(${sqlString(join(dir, 'invalid_records', f))}) ${order}`);
    const [a, b] = [await read(embedded), await read(cluster)];
    assert.ok(a.length > 0, `${label}: ${f} has rows`);
    assert.deepEqual(b, a, `${label}: invalid_records/${f}`);
  }
  // The per-run files of the console, byte for byte.
  for (const f of perRunFiles) {
    assert.ok(readFileSync(join(cluster, f)).equals(readFileSync(join(embedded, f))), `${label}: ${f}`);
  }
  const summary = (dir: string) => JSON.parse(readFileSync(join(dir, `${type}_summary.json`), 'utf8'));
  const [s, c] = [summary(embedded), summary(cluster)];
  for (const k of ['scoring', 'rowsRead', 'invalid', 'notFeaturised', 'scored', 'scoredForResults', 'reported', 'documents', 'vocabulary', 'nonzeros', 'feedback']) {
    assert.deepEqual(c[k], s[k], `${label}: summary ${k}`);
  }
}

/** Writes the three days under `root` (events per day: flow, dns, proxy) and loads them into the cluster. */
export async function clusterDays(root: string, cluster: TestCluster, sizes = { flow: 4000, dns: 2500, proxy: 2500 }): Promise<Days> {
  const day = await withEngine((engine) => generateFlowDay(engine, { root, rows: sizes.flow, hosts: 40, date: DATE }));
  // Invalid rows, a word error (no protocol) and repeated events (ties in score) in a second file of the day.
  const odd = [
    { trhour: 25 }, { sip: null }, { ibyt: -5 }, { trminute: null },
    { proto: null, sip: '10.9.9.9' }, { proto: null, dip: '10.9.9.8' },
    ...Array.from({ length: 6 }, () => ({ sip: '10.7.7.7', dip: '172.30.0.1', sport: 40000, dport: 6000, proto: 'UDP', trhour: 3, ibyt: 12345, ipkt: 7 })),
    ...Array.from({ length: 3 }, () => ({ sip: '10.7.7.8', dip: '172.30.0.2', sport: 0, dport: 0, proto: 'ICMP', trhour: 4 })),
  ];
  await writeParquet(join(day, 'zz-odd.parquet'), flowRowsSql(odd));
  const dnsDay = await withEngine((engine) => generateDnsDay(engine, { root, rows: sizes.dns, hosts: 30, date: DATE, userDomain: 'spotdemo', tunnelQueries: 3 }));
  // The same columns and types as the day: invalid rows, unreadable and zero-padded hours, a missing type, repeated events.
  const sameAs = (folder: string) => (replace: string, n = 1) =>
    `SELECT * REPLACE (${replace}) FROM (SELECT * FROM read_parquet(${sqlString(join(folder, '**', '*.parquet'))}) ORDER BY ALL LIMIT 1) CROSS JOIN range(${n})`;
  const oddRows = (folder: string, rows: string[]) =>
    writeParquet(join(folder, 'zz-odd.parquet'), rows.map((q) => `SELECT * EXCLUDE (range) FROM (${q})`).join(' UNION ALL '));
  const same = sameAs(dnsDay);
  await oddRows(dnsDay, [
    same('CASE WHEN false THEN frame_len END AS frame_len'),
    same('CASE WHEN false THEN ip_dst END AS ip_dst'),
    same("'-' AS dns_qry_name"),
    same("'May  5 2016 xx:11:00.1 UTC' AS frame_time"),
    same("'May  5 2016 123:11:00.1 UTC' AS frame_time"),
    same("'May  5 2016 07:11:00.1 UTC' AS frame_time, 'rare-name.example.org' AS dns_qry_name", 5),
    same("CASE WHEN false THEN dns_qry_type END AS dns_qry_type, 'weird.tunnel.example.net' AS dns_qry_name"),
  ]);
  const proxyDay = await withEngine((engine) => generateProxyDay(engine, { root, rows: sizes.proxy, hosts: 30, date: DATE, userDomain: 'spotdemo', beaconRequests: 2 }));
  const proxy = sameAs(proxyDay);
  await oddRows(proxyDay, [
    proxy('CASE WHEN false THEN host END AS host'),
    proxy('CASE WHEN false THEN clientip END AS clientip'),
    proxy("'xx:10:00' AS p_time"),
    proxy("'07:10:00' AS p_time, CASE WHEN false THEN useragent END AS useragent, 'rare.example.org' AS host", 4),
    proxy("CASE WHEN false THEN resconttype END AS resconttype, CASE WHEN false THEN reqmethod END AS reqmethod"),
  ]);
  for (const [type, input] of [['flow', day], ['dns', dnsDay], ['proxy', proxyDay]]) {
    const load = runCli(['load', '--analysis', type, '--input', input, '--date', DATE, '--clickhouse-url', cluster.url, '--quiet']);
    assert.equal(load.code, 0, load.stderr);
  }
  return { flow: day, dns: dnsDay, proxy: proxyDay };
}

/** Runs of a day in `root`, embedded or on the cluster, and their comparison. */
export function comparer(root: string, cluster: TestCluster, days: Days) {
  const analyse = (name: string, args: string[], onCluster: boolean, type = 'flow') => {
    const scored = join(root, `${name}-${onCluster ? 'cluster' : 'embedded'}`);
    const where = onCluster ? ['--engine', 'clickhouse', '--clickhouse-url', cluster.url, '--date', DATE] : ['--input', days[type as DayType]];
    const run = runCli(['--analysis', type, ...where, '--scored', scored, ...LDA, ...args]);
    assert.equal(run.code, 0, `${name} (${onCluster ? 'cluster' : 'embedded'}): ${run.stderr}`);
    return { scored, stdout: run.stdout };
  };
  const compare = async (name: string, args: string[], type = 'flow') => {
    const embedded = analyse(name, args, false, type);
    const onCluster = analyse(name, args, true, type);
    await assertSameRun(type, embedded.scored, onCluster.scored, name);
    return { embedded, onCluster };
  };

  return { analyse, compare };
}
