import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flowRowsSql, reportAll, runCli, spotCheckRows, tempDir, writeParquet } from '../helpers.js';
import { startCli } from './cli-process.js';

const RUN = /^\d{8}T\d{9}Z-\d+$/;

async function smallDay(dir: string): Promise<string> {
  const input = join(dir, 'day.parquet');
  await writeParquet(input, flowRowsSql(spotCheckRows));
  return input;
}

const flowRun = (input: string, scored: string, ...extra: string[]) =>
  ['--analysis', 'flow', '--input', input, '--scored', scored, ...reportAll, ...extra];

/** The files of a complete flow set. */
function assertCompleteSet(folder: string): void {
  for (const f of ['flow_results.csv', 'flow_summary.json', 'invalid_records/invalid.parquet', 'model/document_topics.parquet', 'model/word_topics.parquet'])
    assert.ok(existsSync(join(folder, f)), `${f} in ${folder}`);
}

test('defect 12 / done-when 5: two runs leave both complete sets (current at --scored, previous in <scored>.runs); --keep-runs bounds the history', async () => {
  const dir = tempDir('history');
  const input = await smallDay(dir);
  const scored = join(dir, 'scores');
  const first = runCli(flowRun(input, scored));
  assert.equal(first.code, 0, first.stderr);
  const second = runCli(flowRun(input, scored, '--prgseed', '7'));
  assert.equal(second.code, 0, second.stderr);
  assert.ok(lstatSync(scored).isSymbolicLink(), '--scored is a link');
  const target = readlinkSync(scored);
  assert.match(target, /^scores\.runs\/\d{8}T\d{9}Z-\d+$/, 'relative link into the history');
  const runs = readdirSync(`${scored}.runs`).filter((n) => RUN.test(n)).sort();
  assert.equal(runs.length, 2);
  assert.equal(target, `scores.runs/${runs[1]}`, 'the newest run is current');
  for (const r of runs) assertCompleteSet(join(`${scored}.runs`, r));
  assert.notEqual(
    readFileSync(join(`${scored}.runs`, runs[0], 'flow_results.csv'), 'utf8'),
    readFileSync(join(scored, 'flow_results.csv'), 'utf8'),
    'the previous results are kept, not overwritten',
  );
  for (let i = 0; i < 3; i++) assert.equal(runCli(flowRun(input, scored, '--keep-runs', '2')).code, 0);
  const kept = readdirSync(`${scored}.runs`).filter((n) => RUN.test(n));
  assert.equal(kept.length, 3, 'current + 2 earlier runs');
  assert.equal(runCli(flowRun(input, scored, '--keep-runs', '1')).code, 0);
  assert.equal(readdirSync(`${scored}.runs`).filter((n) => RUN.test(n)).length, 2, 'the previous run is always kept');
  assert.ok(!existsSync(`${scored}.lock`), 'no lock left behind');
});

test('defect 7: a run that fails (early or late) changes nothing at --scored; a real folder from before moves into the history', async () => {
  const dir = tempDir('txn');
  const input = await smallDay(dir);
  const scored = join(dir, 'scores');
  // A --scored written by an earlier version: a real folder.
  mkdirSync(scored);
  writeFileSync(join(scored, 'flow_results.csv'), 'old results\n');
  writeFileSync(join(scored, 'flow_summary.json'), '{}\n');
  const ok = runCli(flowRun(input, scored));
  assert.equal(ok.code, 0, ok.stderr);
  const runs = readdirSync(`${scored}.runs`).filter((n) => RUN.test(n)).sort();
  assert.equal(runs.length, 2);
  assert.equal(readFileSync(join(`${scored}.runs`, runs[0], 'flow_results.csv'), 'utf8'), 'old results\n', 'the old folder is in the history');
  const before = snapshot(scored);
  const link = readlinkSync(scored);

  const early = runCli(flowRun(join(dir, 'nonexist.parquet'), scored));
  assert.equal(early.code, 2, early.stderr);
  await writeParquet(join(dir, 'null-proto.parquet'), flowRowsSql(spotCheckRows.map((r) => ({ ...r, proto: null }))));
  const late2 = runCli(flowRun(join(dir, 'null-proto.parquet'), scored));
  assert.equal(late2.code, 2, late2.stderr);
  assert.equal(readlinkSync(scored), link, '--scored still points at the same run');
  assert.deepEqual(snapshot(scored), before, 'results, invalid records, model and summary unchanged');
  assert.equal(readdirSync(`${scored}.runs`).filter((n) => RUN.test(n)).length, 2, 'the failed runs left no folder');
});

test('defect 8 / done-when 4: two concurrent runs into one --scored: one completes, the other exits 2 naming the holder; --wait queues', async () => {
  const dir = tempDir('lock');
  const input = await smallDay(dir);
  const scored = join(dir, 'scores');
  const resume = join(dir, 'resume');
  const paused = { SPOT_ML_TEST_PAUSE_AT: 'reading', SPOT_ML_TEST_RESUME_FILE: resume };
  const first = startCli(flowRun(input, scored), paused);
  await first.waitFor('test pause at reading');
  const second = runCli(flowRun(input, scored));
  writeFileSync(resume, '');
  assert.equal(second.code, 2, second.stderr);
  assert.match(second.stderr, new RegExp(`in use by process ${first.child.pid}\\b`));
  assert.doesNotMatch(second.stderr, /unexpected/);
  const done = await first.exit;
  assert.equal(done.code, 0, first.stderr());
  assertCompleteSet(scored);
  assert.equal(readdirSync(`${scored}.runs`).filter((n) => RUN.test(n)).length, 1, 'one complete set');

  const resume2 = join(dir, 'resume2');
  const holder = startCli(flowRun(input, scored), { SPOT_ML_TEST_PAUSE_AT: 'lda', SPOT_ML_TEST_RESUME_FILE: resume2 });
  await holder.waitFor('test pause at lda');
  const waiter = startCli(flowRun(input, scored, '--wait'));
  await waiter.waitFor(`waiting for process ${holder.child.pid}`);
  writeFileSync(resume2, '');
  const [a, b] = await Promise.all([holder.exit, waiter.exit]);
  assert.equal(a.code, 0, holder.stderr());
  assert.equal(b.code, 0, waiter.stderr());
  assertCompleteSet(scored);
});

test('a stale lock of a dead process is taken over', async () => {
  const dir = tempDir('stale');
  const input = await smallDay(dir);
  const scored = join(dir, 'scores');
  writeFileSync(`${scored}.lock`, JSON.stringify({ pid: 2 ** 22 + 17, host: (await import('node:os')).hostname(), since: 'then' }));
  const r = runCli(flowRun(input, scored));
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!existsSync(`${scored}.lock`));
});

/** Every file under a folder (following --scored's link) with its bytes. */
function snapshot(folder: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else out[`${prefix}${e.name}`] = readFileSync(join(d, e.name)).toString('base64');
    }
  };
  walk(folder, '');
  return out;
}
