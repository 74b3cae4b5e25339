/**
 * The flow analysis of one day on a two-shard ClickHouse cluster (started by scripts/clickhouse-cluster.sh on
 * this machine) beside the embedded run on the same Parquet day (issue 15). Prints per-stage times, the
 * peak memory of each process (the spot-ml process, and each clickhouse-server during the analysis) and
 * the rows the shards sent to the spot-ml process per stage; checks that both runs wrote the same results.
 *
 *   npm run build && node dist/bench/clickhouse.js [ROWS] [LABEL] [SCORING]   (default 10000000 10m spot: the flow:10m day)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, type TestCluster } from '../test/clickhouse.js';
import { DATE, SOURCES, ensureDay, outRoot, repoRoot } from './days.js';

const rows = Number(process.argv[2] ?? 10_000_000);
const label = process.argv[3] ?? (rows === 10_000_000 ? '10m' : String(rows));
const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const scoring = process.argv[4] ?? 'spot';
const analysis = ['--ldatopiccount', '20', '--ldamaxiterations', '20', '--ldaoptimizer', 'em', '--threshold', '1', '--maxresults', '1000', '--scoring', scoring];

interface Run {
  seconds: number;
  peakMb: number;
  summary: { stageSeconds: Record<string, number>; cluster?: { shippedRows: Record<string, number> }; rowsRead: number; reported: number };
  results: string;
}

/** Runs spot-ml under /usr/bin/time -v; its wall time, peak RSS, summary and results. */
function spotMl(args: string[], scored: string): Run {
  rmSync(scored, { recursive: true, force: true });
  const full = ['-v', process.execPath, cli, ...args, '--scored', scored, ...analysis];
  process.stderr.write(`running: /usr/bin/time ${full.join(' ')}\n`);
  const t = Date.now();
  const r = spawnSync('/usr/bin/time', full, { encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`spot-ml failed (exit ${r.status}): ${r.stderr.slice(-3000)}`);
  return {
    seconds: (Date.now() - t) / 1000,
    peakMb: Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]) / 1024,
    summary: JSON.parse(readFileSync(join(scored, 'flow_summary.json'), 'utf8')),
    results: readFileSync(join(scored, 'flow_results.csv'), 'utf8'),
  };
}

/** Resets the peak RSS of each shard's server (Linux clear_refs 5), so a later read covers one phase. */
function resetPeaks(cluster: TestCluster): void {
  for (const shard of [1, 2] as const) writeFileSync(`/proc/${cluster.pid(shard)}/clear_refs`, '5');
}

function peaksMb(cluster: TestCluster): number[] {
  return ([1, 2] as const).map((shard) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${cluster.pid(shard)}/status`, 'utf8'))?.[1]) / 1024);
}

const fmt = (n: number) => n.toLocaleString('en-US');
const stages = (s: Record<string, number>) => Object.entries(s).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ');

const { day } = await ensureDay('flow', SOURCES.flow, rows, Math.max(100, Math.round(rows / 200)), label);
const cluster = await startCluster();
const lines: string[] = [];
try {
  resetPeaks(cluster);
  let t = Date.now();
  const load = spawnSync(process.execPath, [cli, 'load', '--analysis', 'flow', '--input', day, '--date', DATE, '--clickhouse-url', cluster.url, '--clickhouse-timeout', '600', '--quiet'], { encoding: 'utf8' });
  if (load.status !== 0) throw new Error(load.stderr);
  lines.push(`load: ${((Date.now() - t) / 1000).toFixed(1)} s (${load.stdout.trim()}); shards' peak RSS ${peaksMb(cluster).map((m) => `${fmt(Math.round(m))} MB`).join(' / ')}`);

  const scoredRoot = join(outRoot, 'runs');
  resetPeaks(cluster);
  t = Date.now();
  const onCluster = spotMl(['--analysis', 'flow', '--engine', 'clickhouse', '--clickhouse-url', cluster.url, '--date', DATE, '--clickhouse-timeout', '120'], join(scoredRoot, `flow-${label}-${scoring}-clickhouse`));
  const shardPeaks = peaksMb(cluster);
  const embedded = spotMl(['--analysis', 'flow', '--input', day], join(scoredRoot, `flow-${label}-${scoring}-duckdb`));
  if (onCluster.results !== embedded.results) throw new Error('the cluster run and the embedded run wrote different results');
  lines.push(
    `cluster run: ${onCluster.seconds.toFixed(1)} s wall; stages: ${stages(onCluster.summary.stageSeconds)}`,
    `  peak RSS: spot-ml ${fmt(Math.round(onCluster.peakMb))} MB, clickhouse-server shard 1 ${fmt(Math.round(shardPeaks[0]))} MB, shard 2 ${fmt(Math.round(shardPeaks[1]))} MB`,
    `  rows shipped shards → spot-ml: ${Object.entries(onCluster.summary.cluster?.shippedRows ?? {}).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')} (of ${fmt(onCluster.summary.rowsRead)} events)`,
    `embedded run: ${embedded.seconds.toFixed(1)} s wall; stages: ${stages(embedded.summary.stageSeconds)}`,
    `  peak RSS: spot-ml ${fmt(Math.round(embedded.peakMb))} MB`,
    `results: identical (${fmt(embedded.summary.reported)} events reported)`,
  );
} finally {
  cluster.stop();
}
process.stdout.write(`flow, ${fmt(rows)} events (${day}), ${scoring} scoring, two shards on this machine:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
