import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { goldenDir } from './spot-mode-fixture.js';
import { reportAll, runCli, tempDir, withEngine } from './helpers.js';
import { pairPartitions } from '../src/pipeline/pair-partitions.js';
import { resolveInputFiles } from '../src/pipeline/input.js';

const single = join(goldenDir, 'flow', 'input.parquet');

test('flow pairs are counted hour by hour on a day partitioned by hour, with the same corpus, model and results as from one file', async () => {
  const day = tempDir('flow-by-hour');
  await withEngine(async (engine) => {
    await engine.exec(`COPY (SELECT * FROM read_parquet('${single}')) TO '${day}' (FORMAT parquet, PARTITION_BY (trhour), WRITE_PARTITION_COLUMNS true)`);
    const hours = await pairPartitions(engine, await resolveInputFiles(engine, day), 'trhour');
    const [{ n }] = await engine.rows(`SELECT count(DISTINCT trhour) AS n FROM read_parquet('${single}')`);
    assert.equal(hours?.length, Number(n), 'one part per hour of the day');
    assert.ok(Number(n) > 1);
    assert.equal(await pairPartitions(engine, [single], 'trhour'), undefined, 'a file whose row groups mix hours is counted at once');
  });
  const run = (input: string, scored: string) => {
    const r = runCli(['--analysis', 'flow', '--input', input, '--scored', scored, '--ldatopiccount', '10', ...reportAll]);
    assert.equal(r.code, 0, r.stderr);
    return { scored };
  };
  const whole = run(single, tempDir('flow-whole'));
  const parts = run(day, tempDir('flow-parts'));
  for (const file of ['corpus.parquet', join('model', 'document_topics.parquet'), join('model', 'word_topics.parquet'), 'score_distribution.json']) {
    assert.ok(readFileSync(join(whole.scored, file)).equals(readFileSync(join(parts.scored, file))), `${file} differs`);
  }
  // Ties are listed in input order (file, row), which the partitioned day changes: the same lines, maybe in another order.
  const lines = (scored: string) => readFileSync(join(scored, 'flow_results.csv'), 'utf8').split('\n').filter(Boolean).sort();
  assert.deepEqual(lines(parts.scored), lines(whole.scored));
  assert.ok(lines(whole.scored).length > 0);
  assert.ok(readdirSync(day).length > 1);
});
