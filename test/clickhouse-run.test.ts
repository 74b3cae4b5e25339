import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flowRowsSql, query, runCli, tempDir, withEngine, writeParquet } from './helpers.js';
import { freePorts, runCliAsync, startCluster, type TestCluster } from './clickhouse.js';
import { generateFlowDay } from '../src/demo/flow-day.js';
import { sqlString } from '../src/engine/engine.js';
import { analysisFor } from '../src/pipeline/analyses.js';
import { generateDnsDay } from '../src/demo/dns-day.js';
import { generateProxyDay } from '../src/demo/proxy-day.js';
import { proxyFeedbackLayout } from '../src/proxy/feedback.js';
import { dnsFeedbackLayout } from '../src/dns/feedback.js';

const DATE = '20160505';
const LDA = ['--ldatopiccount', '5', '--ldamaxiterations', '10', '--quiet'];

/** A day's files of a run, compared byte for byte (results, model) or by content in Spot's columns (invalid records). */
async function assertSameRun(type: string, embedded: string, cluster: string, label: string): Promise<void> {
  const results = `${type}_results.csv`;
  assert.equal(readFileSync(join(cluster, results), 'utf8'), readFileSync(join(embedded, results), 'utf8'), `${label}: results`);
  const models = readdirSync(join(embedded, 'model')).sort();
  assert.deepEqual(readdirSync(join(cluster, 'model')).sort(), models, `${label}: model files`);
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
  const summary = (dir: string) => JSON.parse(readFileSync(join(dir, `${type}_summary.json`), 'utf8'));
  const [s, c] = [summary(embedded), summary(cluster)];
  for (const k of ['rowsRead', 'invalid', 'notFeaturised', 'scored', 'scoredForResults', 'reported', 'documents', 'vocabulary', 'nonzeros', 'feedback']) {
    assert.deepEqual(c[k], s[k], `${label}: summary ${k}`);
  }
}

describe('spot-ml --engine clickhouse on a two-shard cluster gives the embedded run\'s files', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let root: string;
  let day: string;
  let dnsDay: string;
  let proxyDay: string;

  before(async () => {
    cluster = await startCluster();
    root = tempDir('clickhouse-run');
    day = await withEngine((engine) => generateFlowDay(engine, { root, rows: 4000, hosts: 40, date: DATE }));
    // Invalid rows, a word error (no protocol) and repeated events (ties in score) in a second file of the day.
    const odd = [
      { trhour: 25 }, { sip: null }, { ibyt: -5 }, { trminute: null },
      { proto: null, sip: '10.9.9.9' }, { proto: null, dip: '10.9.9.8' },
      ...Array.from({ length: 6 }, () => ({ sip: '10.7.7.7', dip: '172.30.0.1', sport: 40000, dport: 6000, proto: 'UDP', trhour: 3, ibyt: 12345, ipkt: 7 })),
      ...Array.from({ length: 3 }, () => ({ sip: '10.7.7.8', dip: '172.30.0.2', sport: 0, dport: 0, proto: 'ICMP', trhour: 4 })),
    ];
    await writeParquet(join(day, 'zz-odd.parquet'), flowRowsSql(odd));
    dnsDay = await withEngine((engine) => generateDnsDay(engine, { root, rows: 2500, hosts: 30, date: DATE, userDomain: 'spotdemo', tunnelQueries: 3 }));
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
    proxyDay = await withEngine((engine) => generateProxyDay(engine, { root, rows: 2500, hosts: 30, date: DATE, userDomain: 'spotdemo', beaconRequests: 2 }));
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
  });

  after(() => {
    cluster?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const analyse = (name: string, args: string[], onCluster: boolean, type = 'flow') => {
    const scored = join(root, `${name}-${onCluster ? 'cluster' : 'embedded'}`);
    const where = onCluster ? ['--engine', 'clickhouse', '--clickhouse-url', cluster.url, '--date', DATE] : ['--input', { flow: day, dns: dnsDay, proxy: proxyDay }[type]!];
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

  test('flow, every event reported: same results, invalid records, model and counts', async () => {
    const { onCluster } = await compare('all', ['--threshold', '1', '--maxresults', '-1']);
    assert.match(onCluster.stdout, /engine=clickhouse/);
    const lines = readFileSync(join(onCluster.scored, 'flow_results.csv'), 'utf8').split('\n');
    assert.ok(lines.length > 4000, `every clean event reported: ${lines.length}`);
  });

  test('flow, the lowest 40 and a small threshold (only candidate events come from the shards), ties in score', async () => {
    await compare('top', ['--maxresults', '40', '--threshold', '0.01']);
    const tied = readFileSync(join(root, 'top-cluster', 'flow_results.csv'), 'utf8').split('\n').filter((l) => l.includes('10.7.7.7'));
    assert.ok(tied.length === 0 || tied.length === 6, 'tied events are reported together or not at all');
  });

  test('flow with analyst feedback (one rated event without its protocol, completed from the day)', async () => {
    const all = readFileSync(join(root, 'all-embedded', 'flow_results.csv'), 'utf8').split('\n').filter(Boolean);
    const rows = all.slice(0, 4).map((l, i) => {
      const f = l.split('\t');
      return [3, f[0], f[8], f[9], f[10], f[11], f[13], f[14], i === 0 ? '' : f[12]].join(',');
    });
    const feedback = join(root, 'ml_feedback.csv');
    writeFileSync(feedback, ['sev,tstart,sip,dip,sport,dport,ipkt,ibyt,proto', ...rows, ''].join('\n'));
    const { onCluster } = await compare('feedback', ['--maxresults', '30', '--threshold', '1', '--feedback', feedback, '--dupfactor', '200']);
    const summary = JSON.parse(readFileSync(join(onCluster.scored, 'flow_summary.json'), 'utf8'));
    assert.equal(summary.feedback.lowRiskUsed, 4);
  });

  test('dns, all reported, the lowest 25, and the lowest 20 with analyst feedback: same results, invalid records (word errors too), model and counts', async () => {
    await compare('dns-all', ['--threshold', '1', '--maxresults', '-1', '--userdomain', 'spotdemo'], 'dns');
    await compare('dns-top', ['--threshold', '1', '--maxresults', '25', '--userdomain', 'spotdemo'], 'dns');
    const errors = await query(`SELECT count(*) AS n FROM read_parquet(${sqlString(join(root, 'dns-all-cluster', 'invalid_records', 'word_error.parquet'))})`);
    assert.equal(Number(errors[0].n), 2, 'the unreadable hours are word errors');
    const all = readFileSync(join(root, 'dns-all-embedded', 'dns_results.csv'), 'utf8').split('\n').filter(Boolean);
    const rows = all.slice(0, 3).map((l) => {
      const [time, tstamp, len, ip, name, cls, type, rcode, score] = l.split('\t');
      return [time, len, ip, name, cls, type, rcode, score, '', '', '', '', '3', '', '', '', '', tstamp].join(',');
    });
    const feedback = join(root, 'dns_feedback.csv');
    writeFileSync(feedback, [dnsFeedbackLayout.columns.map((c) => c.name).join(','), ...rows, ''].join('\n'));
    const { onCluster } = await compare('dns-fb', ['--threshold', '1', '--maxresults', '20', '--userdomain', 'spotdemo', '--feedback', feedback, '--dupfactor', '100'], 'dns');
    assert.equal(JSON.parse(readFileSync(join(onCluster.scored, 'dns_summary.json'), 'utf8')).feedback.lowRiskUsed, 3);
  });

  test('proxy, all reported, and the lowest 30 with analyst feedback: same results, invalid records, model and counts', async () => {
    await compare('proxy-all', ['--threshold', '1', '--maxresults', '-1', '--userdomain', 'spotdemo'], 'proxy');
    const quote = (v: string) => `"${v.replaceAll('"', '""')}"`;
    const all = readFileSync(join(root, 'proxy-all-embedded', 'proxy_results.csv'), 'utf8').split('\n').filter(Boolean);
    const rows = all.slice(0, 3).map((l) => [...l.split('\t'), '0', '3', '', '', ''].map(quote).join(','));
    const feedback = join(root, 'proxy_feedback.csv');
    writeFileSync(feedback, [proxyFeedbackLayout.columns.map((c) => c.name).join(','), ...rows, ''].join('\n'));
    const { onCluster } = await compare('proxy-fb', ['--threshold', '1', '--maxresults', '30', '--userdomain', 'spotdemo', '--feedback', feedback, '--dupfactor', '100'], 'proxy');
    const summary = JSON.parse(readFileSync(join(onCluster.scored, 'proxy_summary.json'), 'utf8'));
    assert.equal(summary.feedback.lowRiskUsed, 3);
    assert.ok(existsSync(join(onCluster.scored, 'invalid_records', 'word_error.parquet')), 'an unreadable hour is a word error');
  });

  test('a wrong URL or password, or a shard stopping mid-run: one message naming the server, exit 2, within the timeout; --scored keeps the last good run', async () => {
    const scored = join(root, 'failing');
    const args = ['--analysis', 'flow', '--engine', 'clickhouse', '--date', DATE, '--scored', scored, ...LDA, '--maxresults', '20'];
    const good = runCli([...args, '--clickhouse-url', cluster.url]);
    assert.equal(good.code, 0, good.stderr);
    const kept = () => [readFileSync(join(scored, 'flow_results.csv'), 'utf8'), readFileSync(join(scored, 'flow_summary.json'), 'utf8')];
    const before = kept();

    const [nobody] = await freePorts(1);
    const down = await runCliAsync([...args, '--clickhouse-url', `http://127.0.0.1:${cluster.httpPorts[0]},http://127.0.0.1:${nobody}`]);
    assert.equal(down.code, 2, down.stderr);
    assert.match(down.stderr, new RegExp(`spot-ml: (error: )?ClickHouse server http://127.0.0.1:${nobody} cannot be reached`));
    const password = 'not-the-password-17';
    const wrong = await runCliAsync([...args, '--clickhouse-url', cluster.url], { SPOT_CLICKHOUSE_PASSWORD: password });
    assert.equal(wrong.code, 2, wrong.stderr);
    assert.match(wrong.stderr, /refused the login of user "default"/);
    assert.ok(!(wrong.stderr + wrong.stdout).includes(password), 'the password is never printed');
    assert.ok(!readFileSync(join(scored, 'flow_summary.json'), 'utf8').includes(password));

    // Stopped once the corpus is in: the candidate events cannot come.
    const resume = join(root, 'resume-now');
    const shard2 = cluster.pid(2);
    let paused: () => void = () => undefined;
    const atLda = new Promise<void>((resolve) => (paused = resolve));
    const env = { SPOT_ML_TEST_PAUSE_AT: 'lda', SPOT_ML_TEST_RESUME_FILE: resume, SPOT_ML_TEST_PAUSE_MS: '60000' };
    const running = runCliAsync([...args, '--clickhouse-url', cluster.url, '--clickhouse-timeout', '2'], env, (stderr) => {
      if (stderr.includes('test pause at lda')) paused();
    });
    try {
      await Promise.race([atLda, running]);
      process.kill(shard2, 'SIGSTOP');
      writeFileSync(resume, '');
      const stopped = await running;
      assert.equal(stopped.code, 2, stopped.stderr);
      const name = new RegExp(`ClickHouse server (http://127.0.0.1:${cluster.httpPorts[1]} did not answer within 2 s|http://127.0.0.1:${cluster.httpPorts[0]} got no answer from the shard 127.0.0.1:${cluster.tcpPorts[1]})`);
      assert.match(stopped.stderr, name);
      assert.equal(stopped.stderr.split('\n').filter((l) => l.startsWith('spot-ml: ') && !l.includes('test pause')).length, 1, stopped.stderr);
      assert.ok(stopped.seconds < 45, `gave up after ${stopped.seconds} s`);
    } finally {
      process.kill(shard2, 'SIGCONT');
    }
    assert.deepEqual(kept(), before, 'the failed runs replaced nothing in --scored');
  });

  test('the wrapper form with ENGINE and CLICKHOUSE_URL in spot.conf (no FLOW_PATH) gives the flag form\'s results', () => {
    const huser = join(root, 'huser');
    const conf = join(root, 'spot.conf');
    writeFileSync(conf, [`HUSER=${huser}`, 'HPATH=${HUSER}/${DSOURCE}/scored_results/${FDATE}', 'ENGINE=clickhouse', `CLICKHOUSE_URL=${cluster.url}`, 'CLICKHOUSE_DATABASE=spot', ''].join('\n'));
    const run = runCli(['20160505', 'flow', '1', '-1', '--conf', conf, '--feedback', join(root, 'none.csv'), ...LDA]);
    assert.equal(run.code, 0, run.stderr);
    const scores = join(huser, 'flow', 'scored_results', DATE, 'scores');
    assert.equal(readFileSync(join(scores, 'flow_results.csv'), 'utf8'), readFileSync(join(root, 'all-cluster', 'flow_results.csv'), 'utf8'));
    const summary = JSON.parse(readFileSync(join(scores, 'flow_summary.json'), 'utf8'));
    assert.deepEqual(summary.settings.engine, { value: 'clickhouse', source: 'spot.conf' });
    assert.deepEqual(summary.settings.date, { value: DATE, source: 'positional' });
    assert.equal(summary.inputPath, `clickhouse:spot.flow on 2016-05-05`);
    assert.ok(summary.cluster.shippedRows['corpus pairs'] > 0);
  });

  test('robust scoring, a missing --date and a password in the URL are refused with one message, exit 2, nothing written', () => {
    const scored = join(root, 'refused');
    const robust = runCli(['--analysis', 'flow', '--engine', 'clickhouse', '--clickhouse-url', cluster.url, '--date', DATE, '--scored', scored, '--scoring', 'robust', '--quiet']);
    assert.equal(robust.code, 2, robust.stderr);
    assert.match(robust.stderr, /spot-ml: (error: )?--scoring robust is not available with --engine clickhouse/);
    assert.equal(existsSync(join(scored, 'flow_results.csv')), false);
    const noDate = runCli(['--analysis', 'flow', '--engine', 'clickhouse', '--clickhouse-url', cluster.url, '--scored', scored, '--quiet']);
    assert.equal(noDate.code, 2);
    assert.match(noDate.stderr, /--engine clickhouse needs --date/);
    const password = runCli(['--analysis', 'flow', '--engine', 'clickhouse', '--clickhouse-url', 'http://u:secret@127.0.0.1:1', '--date', DATE, '--scored', scored]);
    assert.equal(password.code, 2);
    assert.doesNotMatch(password.stderr + password.stdout, /secret/);
  });
});
