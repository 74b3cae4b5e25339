/**
 * Regenerates test/fixtures/spot-mode/ (inputs and expected spot-mode results) — run only when the spot
 * score is meant to change (see test/spot-mode-stable.test.ts). Kept out of test/ so the test runner never
 * runs it.
 *
 *   npx tsc -p . && node dist/bench/spot-mode-fixtures.js
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateDnsDay } from '../src/demo/dns-day.js';
import { generateFlowDay } from '../src/demo/flow-day.js';
import { generateProxyDay } from '../src/demo/proxy-day.js';
import { goldenDir, goldenRun, TOP_RESULTS } from '../test/spot-mode-fixture.js';
import { tempDir, withEngine } from '../test/helpers.js';

const root = tempDir('golden');
const day = { root, rows: 3000, hosts: 60, date: '20160505' };
await withEngine(async (engine) => {
  await generateFlowDay(engine, day);
  await generateDnsDay(engine, { ...day, userDomain: 'acme', tunnelQueries: 6 });
  await generateProxyDay(engine, { ...day, userDomain: 'acme', beaconRequests: 3 });
});
for (const type of ['flow', 'dns', 'proxy'] as const) {
  const dir = join(goldenDir, type);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await withEngine((engine) =>
    engine.exec(`COPY (SELECT * EXCLUDE (y, m, d, h) FROM read_parquet('${join(root, type, 'hive')}/**/*.parquet', hive_partitioning = true)
      ORDER BY ALL) TO '${join(dir, 'input.parquet')}' (FORMAT parquet)`),
  );
  const scored = goldenRun(type, tempDir(`golden-${type}`));
  cpSync(join(scored, `${type}_results.csv`), join(dir, 'expected_results.csv'));
  const top = goldenRun(type, tempDir(`golden-${type}-top`), TOP_RESULTS);
  cpSync(join(top, `${type}_results.csv`), join(dir, 'expected_top_results.csv'));
}
