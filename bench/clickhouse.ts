/**
 * The cluster's first stages beside the embedded engine (issue 15): a flow day of ROWS events loaded into a
 * two-shard cluster started by scripts/clickhouse-cluster.sh, then the day's (ip, word) counts made on the
 * shards and, for comparison, by DuckDB from the Parquet day. Prints each stage's time and the distinct
 * pairs (what the shards hand the coordinator for the corpus).
 *
 *   node dist/bench/clickhouse.js [ROWS]      (default 1,000,000)
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DuckDbEngine } from '../src/engine/duckdb.js';
import { duckDbDialect } from '../src/engine/duckdb-dialect.js';
import { resolveInputFiles } from '../src/pipeline/input.js';
import { ClickHouseCluster } from '../src/engine/clickhouse/cluster.js';
import { clickHouseDialect } from '../src/engine/clickhouse/dialect.js';
import { flowPairCountSql } from '../src/flow/words-dialect.js';
import { startCluster } from '../test/clickhouse.js';
import { DATE, SOURCES, ensureDay, repoRoot } from './days.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const { day } = await ensureDay('flow', SOURCES.flow, rows, Math.max(10, Math.round(rows / 200)), `${rows}`);
const cluster = await startCluster();
const figures: Record<string, string> = {};
try {
  let t = Date.now();
  const load = spawnSync(
    process.execPath,
    [join(repoRoot, 'dist', 'src', 'cli', 'main.js'), 'load', '--analysis', 'flow', '--input', day, '--date', DATE, '--clickhouse-url', cluster.url, '--quiet'],
    { encoding: 'utf8' },
  );
  if (load.status !== 0) throw new Error(load.stderr);
  figures['load (spot-ml load, whole process)'] = `${((Date.now() - t) / 1000).toFixed(1)} s: ${load.stdout.trim()}`;

  const ch = await ClickHouseCluster.connect({ url: cluster.url, database: 'spot', cluster: 'spot', timeoutSeconds: 60 });
  try {
    t = Date.now();
    const d = clickHouseDialect({ database: 'spot', cluster: 'spot' });
    const [onShards] = await ch.rows<{ pairs: string; slots: string }>(
      `SELECT count() AS pairs, sum(n) AS slots FROM (${flowPairCountSql(d, 'spot.flow', `spot_day = '${DATE.slice(0, 4)}-${DATE.slice(4, 6)}-${DATE.slice(6)}'`)})`,
    );
    figures['(ip, word) counts on the shards'] = `${((Date.now() - t) / 1000).toFixed(1)} s: ${Number(onShards.pairs).toLocaleString('en-US')} pairs over ${Number(onShards.slots).toLocaleString('en-US')} event slots`;
  } finally {
    await ch.close();
  }

  const duck = await DuckDbEngine.open();
  try {
    await duck.attachParquet('raw_input', await resolveInputFiles(duck, day));
    t = Date.now();
    const [embedded] = await duck.rows(`SELECT count(*) AS pairs, sum(n) AS slots FROM (${flowPairCountSql(duckDbDialect, 'raw_input')})`);
    figures['(ip, word) counts in DuckDB'] = `${((Date.now() - t) / 1000).toFixed(1)} s: ${Number(embedded.pairs).toLocaleString('en-US')} pairs over ${Number(embedded.slots).toLocaleString('en-US')} event slots`;
  } finally {
    await duck.close();
  }
} finally {
  cluster.stop();
}
process.stdout.write(`flow, ${rows.toLocaleString('en-US')} events, two shards on this machine:\n`);
for (const [stage, figure] of Object.entries(figures)) process.stdout.write(`  ${stage}: ${figure}\n`);
