import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { reportAll, runCli, tempDir, writeFlowDay } from '../helpers.js';
import { startCli } from './cli-process.js';

const RUN = /^\d{8}T\d{9}Z-\d+$/;
const stages = ['reading', 'lda', 'writing'] as const;
const signals = ['SIGKILL', 'SIGTERM', 'SIGINT'] as const;
const EXIT: Record<string, number> = { SIGTERM: 143, SIGINT: 130 };

/** Temporary files and spill folders a run may leave: in its temp dir, beside --scored, in the history. */
function leftovers(tmp: string, scored: string): string[] {
  const runs = `${scored}.runs`;
  const inRuns = existsSync(runs) ? readdirSync(runs).filter((n) => !RUN.test(n) || !readdirSync(join(runs, n)).some((f) => f.endsWith('_summary.json'))) : [];
  const beside = readdirSync(join(scored, '..')).filter((n) => n.endsWith('.tmp') || n.endsWith('.lock'));
  const spill = readdirSync(tmp).filter((n) => n.startsWith('spot-ml-spill-'));
  const tmpFiles = existsSync(runs) ? readdirSync(runs, { recursive: true }).map(String).filter((n) => n.endsWith('.tmp')) : [];
  return [...inRuns.map((n) => `runs/${n}`), ...beside, ...spill, ...tmpFiles];
}

test('defect 4 / done-when 2: SIGKILL, SIGTERM and SIGINT while reading, during LDA and while writing: --scored keeps a complete set, nothing survives the next run, exits 130/143', async () => {
  const dir = tempDir('kill');
  const input = await writeFlowDay(dir, '20160505', 30);
  const scored = join(dir, 'out', 'scores');
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  const env = { TMPDIR: tmp };
  const args = ['--analysis', 'flow', '--input', input, '--scored', scored, ...reportAll];
  const baseline = runCli(args, { env });
  assert.equal(baseline.code, 0, baseline.stderr);
  const rowsRead = JSON.parse(readFileSync(join(scored, 'flow_summary.json'), 'utf8')).rowsRead;
  assert.ok(rowsRead > 1000);
  for (const stage of stages) {
    for (const signal of signals) {
      const label = `${signal} at ${stage}`;
      const before = readlinkSync(scored);
      const results = readFileSync(join(scored, 'flow_results.csv'), 'utf8');
      const run = startCli([...args, '--prgseed', '99'], { ...env, SPOT_ML_TEST_PAUSE_AT: stage });
      await run.waitFor(`test pause at ${stage}`);
      assert.ok(readdirSync(tmp).some((n) => n.startsWith(`spot-ml-spill-${run.child.pid}-`)), `${label}: the run has a spill folder`);
      run.child.kill(signal);
      const end = await run.exit;
      if (signal === 'SIGKILL') assert.equal(end.signal, 'SIGKILL', label);
      else {
        assert.equal(end.code, EXIT[signal], `${label}: ${run.stderr()}`);
        assert.deepEqual(leftovers(tmp, scored), [], `${label}: the run removed its own spill folder, run folder and lock`);
      }
      assert.equal(readlinkSync(scored), before, `${label}: --scored still points at the previous complete set`);
      assert.equal(readFileSync(join(scored, 'flow_results.csv'), 'utf8'), results, label);
      assert.ok(existsSync(join(scored, 'flow_summary.json')) && existsSync(join(scored, 'model', 'word_topics.parquet')), label);
    }
    // The next run (after a SIGKILL left its spill folder, partial run folder and lock) cleans up and completes.
    const next = runCli(args, { env });
    assert.equal(next.code, 0, next.stderr);
    assert.deepEqual(leftovers(tmp, scored), [], `after the kills at ${stage}, nothing is left`);
    assert.equal(JSON.parse(readFileSync(join(scored, 'flow_summary.json'), 'utf8')).rowsRead, rowsRead);
  }
});
