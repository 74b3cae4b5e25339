import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, query, repoRoot, runCli, tempDir } from './helpers.js';

test('the demo writes a day in Spot\'s layout, analyses it and shows the least probable events', async () => {
  const out = tempDir('demo');
  const r = runCli(['demo', '--out', out, '--hosts', '200', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /the 10 least probable:/);
  // paths are shown through --scored (the link to the run's folder), not through the run history
  assert.ok(r.stdout.includes(`results: ${join(out, 'flow', 'scored_results', '20160505', 'scores', 'flow_results.csv')}\n`), r.stdout);
  const day = join(out, 'flow', 'hive', 'y=2016', 'm=05', 'd=05');
  const [{ n, hours }] = await query(`SELECT count(*) AS n, count(DISTINCT trhour) AS hours FROM read_parquet('${day}/**/*.parquet')`);
  assert.equal(n, 20027n);
  assert.equal(hours, 24n);
  const results = join(out, 'flow', 'scored_results', '20160505', 'scores', 'flow_results.csv');
  assert.ok(readFileSync(results, 'utf8').split('\n').length > 10);
  // the spot.conf it writes drives the wrapper form over the same day
  const w = runCli(['20160505', 'flow', '1', '5', '--conf', join(out, 'spot.conf'), '--quiet']);
  assert.equal(w.code, 0, w.stderr);
  assert.match(w.stdout, /20,027 rows read/);
  assert.equal(readFileSync(results, 'utf8').trim().split('\n').length, 5);
  assert.ok(existsSync(join(out, 'flow', 'scored_results', '20160505', 'scores', 'model', 'document_topics.parquet')));
});

test('the built CLI is an executable with a node shebang, as `npx spot-ml` runs it', () => {
  assert.ok(statSync(cliPath).mode & 0o111, `${cliPath} is not executable`);
  assert.match(readFileSync(cliPath, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  // A cache of its own: npx keeps per-package state there, which concurrent npx runs of other tests rewrite.
  const env = { ...process.env, npm_config_cache: tempDir('npx-cache') };
  const r = spawnSync('npx', ['--no', '--', 'spot-ml', '--help'], { cwd: repoRoot, encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Usage: spot-ml /);
});
