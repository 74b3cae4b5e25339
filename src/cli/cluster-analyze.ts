import { DuckDbEngine } from '../engine/duckdb.js';
import { engineFailure } from '../engine/failures.js';
import { ClickHouseCluster, DEFAULT_CLUSTER, DEFAULT_DATABASE, DEFAULT_TIMEOUT_SECONDS } from '../engine/clickhouse/cluster.js';
import type { Progress } from '../common/progress.js';
import type { Analysis } from '../pipeline/analysis.js';
import type { RunOptions, RunSummary } from '../pipeline/run.js';
import { runOnCluster } from '../pipeline/cluster-run.js';
import type { ClusterFlags } from './cluster-options.js';
import { isoDay } from './cluster-options.js';

/** `--engine clickhouse`: the day of the cluster's table, with a local DuckDB for the coordinator's share. */
export async function analyzeOnCluster(
  flags: ClusterFlags & { threads?: number; spillDir?: string },
  analysis: Analysis,
  options: RunOptions,
  memoryLimit: string,
  progress: Progress,
): Promise<RunSummary> {
  const cluster = await ClickHouseCluster.connect({
    url: flags.clickhouseUrl!,
    database: flags.clickhouseDatabase ?? DEFAULT_DATABASE,
    cluster: flags.clickhouseCluster ?? DEFAULT_CLUSTER,
    timeoutSeconds: flags.clickhouseTimeout ?? DEFAULT_TIMEOUT_SECONDS,
  });
  try {
    const engine = await DuckDbEngine.open({ threads: flags.threads, memoryLimit, tempDirectory: flags.spillDir }).catch((err) => {
      throw engineFailure(err) ?? err;
    });
    try {
      return await runOnCluster(engine, cluster, analysis, options, isoDay(flags.date!), progress);
    } catch (err) {
      throw engineFailure(err) ?? err;
    } finally {
      await engine.close();
    }
  } finally {
    await cluster.close();
  }
}
