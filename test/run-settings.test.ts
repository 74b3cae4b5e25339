import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runCli, tempDir, writeFlowDay } from './helpers.js';

const SECRETS = ['s3cret-db-pass', 'tok-4b5c6d', 'krb-keytab-secret', 'ldap-pw-9'];

test('settings: their sources printed and recorded, secrets never; a flag contradicting a positional value is an error; nothing reported says what would report', async () => {
  const dir = tempDir('settings');
  const huser = join(dir, 'huser');
  const day = await writeFlowDay(huser, '20160505', 40);
  const conf = join(dir, 'spot.conf');
  writeFileSync(conf, [
    `HUSER=${huser}`,
    'FLOW_PATH=${HUSER}/${DSOURCE}/hive/y=${YR}/m=${MH}/d=${DY}/',
    'HPATH=${HUSER}/${DSOURCE}/scored_results/${FDATE}',
    'USER_DOMAIN=acme',
    'TOL=1e-30',
    'TOPIC_COUNT=10',
    `DBPASS=${SECRETS[0]}`,
    `export SPOT_API_TOKEN="${SECRETS[1]}"`,
    `KRB_KEYTAB_PASSWORD=${SECRETS[2]}`,
    `LDAP_PASSWORD='${SECRETS[3]}'`,
  ].join('\n'));
  const scores = join(huser, 'flow', 'scored_results', '20160505', 'scores');
  const summaryOf = () => JSON.parse(readFileSync(join(scores, 'flow_summary.json'), 'utf8'));

  // Nothing reported: the day's lowest score and a threshold that reports the first events.
  const quiet = runCli(['20160505', 'flow', '--conf', conf]);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.match(quiet.stdout, / 0 reported/);
  const summary = summaryOf();
  const hint = summary.whenNothingReported;
  assert.ok(hint.lowestScore > 1e-30 && hint.threshold >= hint.lowestScore, JSON.stringify(hint));
  assert.equal(hint.events, 100);
  assert.match(quiet.stdout, new RegExp(`nothing reported: .*lowest score is ${Number(hint.lowestScore.toPrecision(3)).toExponential()}.*--threshold ${hint.threshold.toExponential()} reports at least 100 events`));
  assert.match(quiet.stdout, /\(threshold 1e-30\)/);
  for (const secret of SECRETS) {
    assert.ok(!quiet.stdout.includes(secret) && !quiet.stderr.includes(secret), `${secret} printed`);
    assert.ok(!readFileSync(join(scores, 'flow_summary.json'), 'utf8').includes(secret), `${secret} recorded`);
  }
  assert.deepEqual(summary.settings.threshold, { value: 1e-30, source: 'spot.conf' });
  assert.deepEqual(summary.settings.userdomain, { value: 'acme', source: 'spot.conf' });
  assert.deepEqual(summary.settings.ldatopiccount, { value: 10, source: 'spot.conf' });
  assert.deepEqual(summary.settings.maxresults, { value: -1, source: 'default' });
  assert.deepEqual(summary.settings.ldaalpha, { value: 1.02, source: 'default' });
  assert.equal(summary.inputPath, day);
  assert.equal(summary.feedbackPath, join(huser, 'flow', 'scored_results', '20160505', 'feedback', 'ml_feedback.csv'));
  assert.match(quiet.stdout, /^settings from spot\.conf .*spot\.conf: threshold=1e-30 userdomain=acme ldatopiccount=10$/m);
  assert.match(quiet.stdout, /^settings from default: maxresults=-1 /m);

  // The suggested settings report exactly the first 100 events.
  const again = runCli(['20160505', 'flow', String(hint.threshold), '100', '--conf', conf, '-q']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, / 100 reported/);
  assert.doesNotMatch(again.stdout, /nothing reported/);
  assert.deepEqual(summaryOf().settings.threshold, { value: hint.threshold, source: 'positional' });
  assert.deepEqual(summaryOf().whenNothingReported, undefined);

  // A flag contradicting a positional value.
  for (const [args, pattern] of [
    [['1e-3', '100', '--maxresults', '5'], /MAXRESULTS 100 \(positional\) contradicts --maxresults 5/],
    [['1e-3', '--threshold', '1e-9'], /THRESHOLD 1e-3 \(positional\) contradicts --threshold 1e-9/],
    [['--analysis', 'dns'], /TYPE flow \(positional\) contradicts --analysis dns/],
  ] as [string[], RegExp][]) {
    const r = runCli(['20160505', 'flow', ...args, '--conf', conf, '-q']);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
  }
  const same = runCli(['20160505', 'flow', '1e-3', '--threshold', '0.001', '--conf', conf, '-q']);
  assert.equal(same.code, 0, same.stderr);

  // The flag form reads spot.conf's analysis settings when --conf is given; paths are recorded absolute.
  const out = join(dir, 'flag-form');
  const flagForm = runCli(['--analysis', 'flow', '--input', relative(dir, day), '--scored', relative(dir, out), '--conf', conf,
    '--threshold', '1', '--maxresults', '7', '--memory-limit', '512MB', '-q'], { cwd: dir });
  assert.equal(flagForm.code, 0, flagForm.stderr);
  const f = JSON.parse(readFileSync(join(out, 'flow_summary.json'), 'utf8'));
  assert.equal(f.inputPath, day);
  assert.equal(f.feedbackPath, null);
  assert.deepEqual(f.settings.threshold, { value: 1, source: 'flag' });
  assert.deepEqual(f.settings.maxresults, { value: 7, source: 'flag' });
  assert.deepEqual(f.settings.userdomain, { value: 'acme', source: 'spot.conf' });
  assert.deepEqual(f.settings['memory-limit'], { value: '500000KiB', source: 'flag' });
  assert.equal(f.reported, 7);
  const plain = runCli(['--analysis', 'flow', '--input', day, '--scored', join(dir, 'plain'), '--threshold', '1', '-q'], { cwd: dir });
  assert.equal(plain.code, 0, plain.stderr);
  const p = JSON.parse(readFileSync(join(dir, 'plain', 'flow_summary.json'), 'utf8'));
  assert.deepEqual(p.settings.userdomain, { value: null, source: 'default' });
  assert.deepEqual(p.settings.delimiter, { value: '\t', source: 'default' });
});
