import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { flowRowsSql, tempDir } from '../helpers.js';
import { DuckDbEngine } from '../../src/engine/duckdb.js';
import { sqlString } from '../../src/engine/engine.js';
import { SpotError } from '../../src/common/errors.js';
import { analyzeCommand, type AnalysisFlags } from '../../src/cli/analyze.js';
import { feedbackCommand } from '../../src/cli/feedback-command.js';
import { DEFAULTS } from '../../src/cli/options.js';
import type { RunSummary } from '../../src/pipeline/run.js';
import { baseRows, random, writeFeedbackCase, writeParquetCase, type ParquetCase } from './fuzz-cases.js';

/**
 * Seeded fuzzing of the analysis (in this process, through the CLI's own command functions, so hundreds
 * of cases run in about a minute). SPOT_ML_FUZZ_CASES sets the count (default 200 of each),
 * SPOT_ML_FUZZ_SEED the seed; scripts/fuzz.sh runs a large count.
 */
const CASES = Number(process.env.SPOT_ML_FUZZ_CASES ?? 200);
const SEED = Number(process.env.SPOT_ML_FUZZ_SEED ?? 20160505);
/** Cases run two at a time: each run's engine work leaves the main thread idle much of the time. */
const PARALLEL = 2;

/** Runs the jobs with at most PARALLEL at once; results in job order. */
async function inParallel<T>(jobs: readonly (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return results;
}

function flags(input: string, scored: string, extra: Partial<AnalysisFlags> = {}): AnalysisFlags {
  return {
    analysis: 'flow', input, scored, dupfactor: DEFAULTS.dupFactor, threshold: 1, maxresults: -1, delimiter: '\t', header: false,
    ldatopiccount: 3, ldaoptimizer: 'em', ldamaxiterations: 3, ldaalpha: DEFAULTS.alpha, ldabeta: DEFAULTS.beta, prgseed: 1,
    precision: '64', threads: 1, quiet: true, keepRuns: 1, wait: false, scoring: 'spot', ...extra,
  };
}

/** The CLI's exit status for an outcome: 0, a SpotError's (2), a usage error's 2, else 1 (an unexpected failure). */
function exitCode(err: unknown): number {
  if (err === undefined) return 0;
  if (err instanceof SpotError) return err.exitCode;
  if (err instanceof CommanderError) return 2;
  return 1;
}

interface Outcome {
  error?: unknown;
  value?: unknown;
}

/** What work returned or threw. */
async function settle(work: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { value: await work() };
  } catch (error) {
    return { error };
  }
}

/** Runs work with stdout and stderr silenced (hundreds of summaries and warnings). */
async function quietly(work: () => Promise<unknown>): Promise<Outcome> {
  const out = process.stdout.write;
  const err = process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return await settle(work);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

function checkOutcome(label: string, outcome: Outcome): void {
  const code = exitCode(outcome.error);
  const why = outcome.error instanceof Error ? (outcome.error.stack ?? outcome.error.message) : String(outcome.error);
  assert.ok(code === 0 || code === 2, `${label}: exit ${code}: ${why}`);
  if (code === 0) {
    const s = outcome.value as RunSummary;
    assert.equal(s.rowsRead, s.invalid + s.notFeaturised + s.scored, `${label}: every row accounted for`);
  }
}

test(`fuzz: ${CASES} malformed Parquet days (seed ${SEED}) each exit 0 or 2, and every row is accounted for`, async () => {
  const dir = tempDir('fuzz-parquet');
  const engine = await DuckDbEngine.open({ threads: 1 });
  const valid: Buffer[] = [];
  try {
    for (const compression of ['uncompressed', 'snappy', 'zstd']) {
      const path = join(dir, `valid-${compression}.parquet`);
      await engine.exec(`COPY (${flowRowsSql(baseRows())}) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION ${compression}, ROW_GROUP_SIZE 16)`);
      valid.push(readFileSync(path));
    }
    const rng = random(SEED);
    const kinds = new Map<string, number>();
    const cases: ParquetCase[] = [];
    for (let i = 0; i < CASES; i++) {
      const c = await writeParquetCase(engine, rng, valid, join(dir, `case-${i}.parquet`));
      const kind = c.kind.split(':')[0];
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      cases.push(c);
    }
    const outcomes = await quietly(() =>
      inParallel(cases.map((c, i) => () => settle(() => analyzeCommand(flags(c.path, join(dir, `scored-${i}`)), [], () => false)))),
    );
    assert.equal(outcomes.error, undefined);
    let ok = 0;
    (outcomes.value as Outcome[]).forEach((outcome, i) => {
      checkOutcome(`case ${i} (${cases[i].kind})`, outcome);
      if (!outcome.error) ok++;
    });
    assert.ok(ok > 0 && ok < CASES, `both outcomes occur (${ok} of ${CASES} ran)`);
    for (const k of ['flip', 'truncate', 'hostile', 'utf8']) assert.ok((kinds.get(k) ?? 0) > 0 || CASES < 50, `kind ${k} generated`);
  } finally {
    await engine.close();
  }
});

test(`fuzz: ${CASES} malformed feedback files (seed ${SEED}) each exit 0 or 2 when read by a run and when appended to`, async () => {
  const dir = tempDir('fuzz-feedback');
  const day = join(dir, 'day.parquet');
  const engine = await DuckDbEngine.open({ threads: 1 });
  try {
    await engine.exec(`COPY (${flowRowsSql(baseRows())}) TO ${sqlString(day)} (FORMAT parquet)`);
  } finally {
    await engine.close();
  }
  const rng = random(SEED + 1);
  const cases = Array.from({ length: CASES }, (_, i) => {
    const file = join(dir, `fb-${i}.csv`);
    const kind = writeFeedbackCase(rng, file);
    const copy = join(dir, `append-${i}.csv`);
    copyFileSync(file, copy);
    const args = ['--type', 'flow', '--rating', String(1 + rng.int(3)), '--file', copy, '--tstart', '2016-05-05 00:05:14',
      '--sip', '10.0.0.1', '--dip', '172.16.0.1', '--sport', '1', '--dport', '2', '--ipkt', '3', '--ibyt', '4'];
    return { file, kind, dupfactor: rng.pick([0, 1, 1000]), args };
  });
  const outcomes = await quietly(() =>
    inParallel(
      cases.map((c, i) => async () => ({
        run: await settle(() => analyzeCommand(flags(day, join(dir, `scored-${i}`), { feedback: c.file, dupfactor: c.dupfactor }), [], () => false)),
        append: await settle(() => feedbackCommand().exitOverride().parseAsync(c.args, { from: 'user' })),
      })),
    ),
  );
  assert.equal(outcomes.error, undefined);
  let appended = 0;
  (outcomes.value as { run: Outcome; append: Outcome }[]).forEach(({ run, append }, i) => {
    checkOutcome(`feedback case ${i} (${cases[i].kind}) in a run`, run);
    const code = exitCode(append.error);
    assert.ok(code === 0 || code === 2, `feedback case ${i} (${cases[i].kind}) appended to: exit ${code}: ${String(append.error)}`);
    if (code === 0) appended++;
  });
  assert.ok(appended > 0, 'some malformed files still take a rating (their header is a feedback header)');
});
