import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportAll, runCli, tempDir, writeFlowDay } from './helpers.js';

test('feedback given the day checks the rated event against it at once: a warning when no record is it, still recorded', async () => {
  const dir = tempDir('day-check');
  const huser = join(dir, 'huser');
  const day = await writeFlowDay(huser, '20160505', 40);
  const scored = join(dir, 'scored');
  assert.equal(runCli(['--analysis', 'flow', '--input', day, '--scored', scored, ...reportAll]).code, 0);
  const [first] = readFileSync(join(scored, 'flow_results.csv'), 'utf8').split('\n');
  const f = first.split('\t');
  const event = ['--tstart', f[0], '--sip', f[8], '--dip', f[9], '--sport', f[10], '--dport', f[11], '--ipkt', f[13], '--ibyt', f[14]];
  const file = join(dir, 'ml_feedback.csv');

  // One of the day's flows: no warning.
  const found = runCli(['feedback', '--type', 'flow', '--rating', '3', '--file', file, '--input', day, ...event]);
  assert.equal(found.code, 0, found.stderr);
  assert.doesNotMatch(found.stderr, /warning/);
  // Spot's front end swapped the counts: still that flow.
  const swapped = [...event.slice(0, 10), '--ipkt', f[14], '--ibyt', f[13]];
  const sw = runCli(['feedback', '--type', 'flow', '--rating', '3', '--file', file, '--input', day, ...swapped]);
  assert.equal(sw.code, 0, sw.stderr);
  assert.doesNotMatch(sw.stderr, /warning/);

  // No flow of the day: a warning at once naming what was compared, and the rating is recorded.
  const other = [...event.slice(0, 8), '--dport', '4444', ...event.slice(10)];
  const missing = runCli(['feedback', '--type', 'flow', '--rating', '3', '--file', file, '--input', day, ...other]);
  assert.equal(missing.code, 0, missing.stderr);
  assert.match(missing.stderr, /spot-ml: warning: no flow record of .* has this event's sip, dip, sport, dport, hour, ipkt and ibyt; recorded anyway; without --proto the next analysis of this day will not use it/);
  assert.equal(readFileSync(file, 'utf8').trim().split('\n').length, 4);
  const quiet = runCli(['feedback', '--type', 'flow', '--rating', '1', '--file', file, '--input', day, '-q', ...other]);
  assert.equal(quiet.code, 0);
  assert.equal(quiet.stderr, '');

  // The day from --date and spot.conf (its FLOW_PATH).
  const conf = join(dir, 'spot.conf');
  writeFileSync(conf, `HUSER=${huser}\nFLOW_PATH=\${HUSER}/\${DSOURCE}/hive/y=\${YR}/m=\${MH}/d=\${DY}/\n`);
  const byDate = runCli(['feedback', '--type', 'flow', '--rating', '3', '--date', '20160505', '--conf', conf, ...other]);
  assert.equal(byDate.code, 0, byDate.stderr);
  assert.match(byDate.stderr, /warning: no flow record of .*d=05\/ has this event's/);
  const okByDate = runCli(['feedback', '--type', 'flow', '--rating', '3', '--date', '20160505', '--conf', conf, ...event]);
  assert.doesNotMatch(okByDate.stderr, /warning/);

  // A day that is not there: an error before anything is written.
  const lost = join(dir, 'lost.csv');
  const gone = runCli(['feedback', '--type', 'flow', '--rating', '3', '--file', lost, '--input', join(dir, 'no-day'), ...event]);
  assert.equal(gone.code, 2);
  assert.match(gone.stderr, /^spot-ml: error: --input .*no-day: input not found/);
  assert.equal(existsSync(lost), false);
});

test('an analysis says "input not found" before any feedback warning', () => {
  const dir = tempDir('fb-order');
  const r = runCli(['--analysis', 'flow', '--input', join(dir, 'no-day'), '--scored', join(dir, 's'), '--feedback', join(dir, 'none.csv')]);
  assert.equal(r.code, 2);
  const lines = r.stderr.trim().split('\n');
  assert.match(lines[lines.length - 1], /input not found/);
  assert.doesNotMatch(r.stderr, /feedback/);
});

test('with -q an analysis prints no feedback warning; the closing summary still says what happened', async () => {
  const dir = tempDir('fb-quiet');
  const day = await writeFlowDay(dir, '20160505', 20);
  const r = runCli(['--analysis', 'flow', '--input', day, '--scored', join(dir, 's'), '--feedback', join(dir, 'none.csv'), ...reportAll]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /feedback: +none \(no file at .*none\.csv\)/);
});
