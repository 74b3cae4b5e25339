import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineSqlHelpers } from '../src/common/sql-helpers.js';
import { analysisFor } from '../src/pipeline/analyses.js';
import { attachInput } from '../src/pipeline/run.js';
import { robustProfile } from '../src/scoring/robust/profiles.js';
import { profileEventsSql, robustScoredEvents } from '../src/scoring/robust/score.js';
import { goldenDir } from './spot-mode-fixture.js';
import { parquetRowCount, readResults, reportAll, runCli, tempDir, withEngine, writeParquet } from './helpers.js';

// When the day's count found every input row clean and scorable, the robust mode's reads of the day
// leave out that test (src/scoring/robust/score.ts, everyRowScorable): the same events, the same scores.

/** The reported events (score, file, row) of a robust run of the fixture day of `type`. */
const reported = (type: 'flow' | 'dns', everyRowScorable: boolean, maxResults: number) =>
  withEngine(async (engine) => {
    const analysis = analysisFor(type);
    const input = join(goldenDir, type, 'input.parquet');
    await defineSqlHelpers(engine);
    await attachInput(engine, analysis, [input], input);
    if (type !== 'flow') await analysis.featurize(engine, { userDomain: 'acme' });
    const scored = await robustScoredEvents(engine, analysis, { userDomain: 'acme' }, 1, maxResults, undefined, { everyRowScorable });
    return engine.rows(`SELECT score, spot_row FROM (${scored.sql}) ORDER BY score, spot_file, spot_row`);
  });

for (const type of ['flow', 'dns'] as const) {
  test(`${type}: leaving out the validity test on a day of valid rows scores and reports the same events`, async () => {
    for (const maxResults of [-1, 25]) {
      const checked = await reported(type, false, maxResults);
      const unchecked = await reported(type, true, maxResults);
      assert.ok(checked.length >= (maxResults > 0 ? maxResults : 100), `${checked.length} events reported`);
      assert.deepEqual(unchecked, checked);
    }
    const profile = robustProfile(type);
    const relation = profile.relation ?? 'featured_view';
    assert.match(profileEventsSql(profile, relation), /WHERE spot_clean AND/);
    assert.doesNotMatch(profileEventsSql(profile, relation, true), /spot_clean/);
  });
}

test('flow: a day with an invalid row and one whose words cannot be formed still scores only the others (robust)', async () => {
  const root = tempDir('robust-scorable');
  const source = join(goldenDir, 'flow', 'input.parquet');
  const input = join(root, 'input.parquet');
  await writeParquet(input, `SELECT * REPLACE (
      CASE WHEN row_number() OVER () = 1 THEN 25 ELSE trhour END AS trhour,
      CASE WHEN row_number() OVER () = 2 THEN NULL ELSE proto END AS proto)
    FROM read_parquet('${source}')`);
  const scored = join(root, 'scored');
  const run = runCli(['--analysis', 'flow', '--input', input, '--scored', scored, '--ldatopiccount', '10', ...reportAll, '--scoring', 'robust']);
  assert.equal(run.code, 0, run.stderr);
  const rows = readResults(join(scored, 'flow_results.csv'));
  assert.equal(rows.length, (await parquetRowCount(source)) - 2, 'every other event scored and reported, those two not');
  assert.ok(rows.every((f) => Number(f[f.length - 1]) > 0), 'no -1 among the reported');
  assert.ok(existsSync(join(scored, 'invalid_records', 'invalid.parquet')));
  assert.equal(await parquetRowCount(join(scored, 'invalid_records', 'invalid.parquet')), 1);
});
