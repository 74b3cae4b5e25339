import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot, reportAll, runCli } from './helpers.js';

/** Small fixed days (inputs) and the spot-mode results today's code gave for them. */
export const goldenDir = join(repoRoot, 'test', 'fixtures', 'spot-mode');

/** Runs the spot-mode analysis of the fixture day of `type` into `scored`; returns `scored`. */
export function goldenRun(type: 'flow' | 'dns' | 'proxy', scored: string, extra: readonly string[] = [], env?: Record<string, string>): string {
  const run = runCli([
    '--analysis', type, '--input', join(goldenDir, type, 'input.parquet'), '--scored', scored, '--userdomain', 'acme',
    '--threads', '2', '--ldatopiccount', '10', ...reportAll, ...extra,
  ], { env });
  assert.equal(run.code, 0, run.stderr);
  return scored;
}

/** A run that reports few events, so the results are selected through the candidates (src/pipeline/candidates.ts). */
export const TOP_RESULTS = ['--threshold', '1e-3', '--maxresults', '40'];
