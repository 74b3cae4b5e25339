import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goldenDir, goldenRun } from './spot-mode-fixture.js';
import { readResults, reportAll, runCli, tempDir, writeParquet } from './helpers.js';

// The robust mode through the CLI on the small fixed days: Spot's files and columns, scores in (0, 1],
// the threshold as the share of the day's events, the mode named in the summary, SCORING in spot.conf.
for (const type of ['flow', 'dns', 'proxy'] as const) {
  test(`${type}: robust results keep Spot's columns, score every event in (0, 1] and name the mode`, () => {
    const spot = readResults(join(goldenDir, type, 'expected_results.csv'));
    const scored = goldenRun(type, tempDir(`robust-${type}`), ['--scoring', 'robust']);
    const rows = readResults(join(scored, `${type}_results.csv`));
    assert.equal(rows.length, spot.length, 'every event reported at threshold 1');
    assert.ok(rows.every((f) => f.length === spot[0].length));
    const scores = rows.map((f) => Number(f[f.length - 1]));
    assert.ok(scores.every((s, i) => s > 0 && s <= 1 && (i === 0 || s >= scores[i - 1])), 'ascending, in (0, 1]');
    assert.equal(scores[scores.length - 1], 1);
    const summary = JSON.parse(readFileSync(join(scored, `${type}_summary.json`), 'utf8'));
    assert.equal(summary.scoring, 'robust');

    const top = goldenRun(type, tempDir(`robust-${type}-top`), ['--scoring', 'robust', '--threshold', '0.01']);
    const kept = readResults(join(top, `${type}_results.csv`));
    assert.ok(kept.length > 0 && kept.length <= Math.ceil(rows.length / 100) + scoreTies(scores, 0.01), `${kept.length} of ${rows.length} at 0.01`);
    assert.deepEqual(kept, rows.slice(0, kept.length), 'the same first events as the full run');
  });
}

/** Events tied at the cut-off score (a threshold keeps ties together). */
function scoreTies(scores: number[], threshold: number): number {
  const last = scores.filter((s) => s <= threshold).pop();
  return last === undefined ? 0 : scores.filter((s) => s === last).length;
}

test('SCORING=robust in spot.conf selects the robust mode; --scoring spot on the command line wins', () => {
  const root = tempDir('robust-conf');
  const conf = join(root, 'spot.conf');
  writeFileSync(conf, [`DNS_PATH=${join(goldenDir, 'dns', 'input.parquet')}`, `HPATH=${root}/scored`, 'SCORING=robust', ''].join('\n'));
  const robust = runCli(['20160505', 'dns', '1', '--conf', conf, '--quiet']);
  assert.equal(robust.code, 0, robust.stderr);
  const summaryPath = join(root, 'scored', 'scores', 'dns_summary.json');
  assert.equal(JSON.parse(readFileSync(summaryPath, 'utf8')).scoring, 'robust');
  const spot = runCli(['20160505', 'dns', '1', '--conf', conf, '--quiet', '--scoring', 'spot']);
  assert.equal(spot.code, 0, spot.stderr);
  assert.equal(JSON.parse(readFileSync(summaryPath, 'utf8')).scoring, 'spot');
});

test('an unknown scoring mode is a usage error naming the choices', () => {
  const r = runCli(['--analysis', 'dns', '--input', join(goldenDir, 'dns', 'input.parquet'), '--scored', tempDir('bad'), '--scoring', 'magic']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /spot, robust|spot.*robust/);
});

test('show: a robust-mode event\'s percentile is its score (the share of the day\'s events at least as suspicious)', () => {
  const scored = goldenRun('dns', tempDir('robust-show'), ['--scoring', 'robust']);
  const r = runCli(['show', '--scored', scored, '--top', '5', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const events = JSON.parse(r.stdout).events as { score: number; percentile: number }[];
  assert.equal(events.length, 5);
  for (const e of events) assert.ok(Math.abs(e.percentile - 100 * e.score) < 1e-9, `${e.percentile} against score ${e.score}`);
});

test('a robust run that reports nothing hints at the lowest robust score and a threshold that reports events', () => {
  const scored = goldenRun('dns', tempDir('robust-hint'), ['--scoring', 'robust', '--threshold', '1e-9', '--maxresults', '5']);
  const summary = JSON.parse(readFileSync(join(scored, 'dns_summary.json'), 'utf8'));
  assert.equal(summary.reported, 0);
  const hint = summary.whenNothingReported;
  assert.equal(hint.events, 5);
  assert.ok(hint.lowestScore > 0 && hint.lowestScore <= hint.threshold && hint.threshold <= 1, JSON.stringify(hint));
  const again = goldenRun('dns', tempDir('robust-hint-again'), ['--scoring', 'robust', '--threshold', String(hint.threshold), '--maxresults', '5']);
  assert.equal(readResults(join(again, 'dns_results.csv')).length, 5, 'the hinted threshold reports the 5 events');
});

test('proxy: a clock whose minutes overflow 32-bit seconds is scored, not an error (robust)', async () => {
  const root = tempDir('robust-proxy-clock');
  const input = join(root, 'input.parquet');
  await writeParquet(input, `SELECT * REPLACE (CASE WHEN row_number() OVER () = 1 THEN '12:99999999:00' ELSE p_time END AS p_time)
    FROM read_parquet('${join(goldenDir, 'proxy', 'input.parquet')}')`);
  const run = runCli(['--analysis', 'proxy', '--input', input, '--scored', join(root, 'scored'), '--userdomain', 'acme', '--ldatopiccount', '10', ...reportAll, '--scoring', 'robust']);
  assert.equal(run.code, 0, run.stderr);
  const rows = readResults(join(root, 'scored', 'proxy_results.csv'));
  assert.equal(rows.length, readResults(join(goldenDir, 'proxy', 'expected_results.csv')).length, 'every event scored');
  assert.ok(rows.some((f) => f.includes('12:99999999:00')));
});
