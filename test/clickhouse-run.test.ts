import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { query, runCli, tempDir } from './helpers.js';
import { freePorts, runCliAsync, startCluster, type TestCluster } from './clickhouse.js';
import { clusterDays, comparer, DATE, LDA } from './clickhouse-days.js';
import { sqlString } from '../src/engine/engine.js';
import { proxyFeedbackLayout } from '../src/proxy/feedback.js';
import { dnsFeedbackLayout } from '../src/dns/feedback.js';

describe('spot-ml --engine clickhouse on a two-shard cluster gives the embedded run\'s files', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let root: string;
  let compare: ReturnType<typeof comparer>['compare'];

  before(async () => {
    cluster = await startCluster();
    root = tempDir('clickhouse-run');
    ({ compare } = comparer(root, cluster, await clusterDays(root, cluster)));
  });

  after(() => {
    cluster?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

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

  test('a missing --date and a password in the URL are refused with one message, exit 2, nothing written', () => {
    const scored = join(root, 'refused');
    const noDate = runCli(['--analysis', 'flow', '--engine', 'clickhouse', '--clickhouse-url', cluster.url, '--scored', scored, '--quiet']);
    assert.equal(noDate.code, 2);
    assert.match(noDate.stderr, /--engine clickhouse needs --date/);
    const password = runCli(['--analysis', 'flow', '--engine', 'clickhouse', '--clickhouse-url', 'http://u:secret@127.0.0.1:1', '--date', DATE, '--scored', scored]);
    assert.equal(password.code, 2);
    assert.doesNotMatch(password.stderr + password.stdout, /secret/);
    assert.equal(existsSync(join(scored, 'flow_results.csv')), false);
  });
});
