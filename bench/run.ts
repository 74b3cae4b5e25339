/**
 * Throughput and memory benchmark (issue 6): generates realistic days with the demo generators (cached in
 * bench/out/), runs the full CLI analysis on each under `/usr/bin/time -v`, and prints wall seconds per
 * stage, peak RSS, rows per second, distinct IPs, vocabulary and nonzeros, next to a bare DuckDB scan of the
 * same Parquet columns (the floor).
 *
 *   npm run build && node dist/bench/run.js [flow:1m] [flow:10m] [flow:50m:2000] [--threads N] [--runs N] [--scoring spot,robust]
 *
 * Not run by CI. A case is `TYPE:ROWS[:PER_HOST]` (ROWS like 1m, 10m, 500k, 2500000; PER_HOST events per
 * internal host, default 200); default: flow:1m flow:10m. With --runs N each case runs N times and the table
 * gives the median of every time and of the peak RSS (the walls of all runs are printed too). `--scoring`
 * runs each case in each listed scoring mode (default: spot only) and prints each mode's wall time against
 * the first's.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { bareScan, ensureDay, outRoot, parseCase, repoRoot } from './days.js';

const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');

interface CaseResult {
  case: string;
  rows: number;
  generateSeconds?: number;
  scanSeconds: number;
  wallSeconds: number;
  peakRssMb: number;
  stageSeconds: Record<string, number>;
  /** The topic model's corpus (absent in the robust mode, which fits none). */
  documents?: number;
  vocabulary?: number;
  nonzeros?: number;
  reported: number;
  parquetMb: number;
}

function duSizeMb(dir: string): number {
  const r = spawnSync('du', ['-sm', dir], { encoding: 'utf8' });
  return Number(r.stdout.split('\t')[0]);
}

async function runCase(spec: string, threads?: number, scoring?: string): Promise<CaseResult> {
  const { type, source, rows, hosts, label } = parseCase(spec);
  const { day, seconds: generateSeconds } = await ensureDay(type, source, rows, hosts, label);
  const scanSeconds = await bareScan(day, source.schema, threads);
  const scored = join(outRoot, 'runs', `${type}-${label}${scoring ? `-${scoring}` : ''}`);
  rmSync(scored, { recursive: true, force: true });
  const args = [
    '-v', process.execPath, cli, '--analysis', type, '--input', day, '--scored', scored,
    '--ldatopiccount', '20', '--ldamaxiterations', '20', '--ldaoptimizer', 'em', '--threshold', '1', '--maxresults', '1000',
    ...(threads ? ['--threads', String(threads)] : []), ...(scoring ? ['--scoring', scoring] : []),
  ];
  process.stderr.write(`running: /usr/bin/time ${args.join(' ')}\n`);
  const r = spawnSync('/usr/bin/time', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    process.stderr.write(r.stderr.slice(-4000));
    throw new Error(`${spec}: the analysis failed (exit ${r.status})`);
  }
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)/.exec(r.stderr)?.[1] ?? '0';
  const wallSeconds = wall.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
  const summary = JSON.parse(readFileSync(join(scored, `${type}_summary.json`), 'utf8'));
  return {
    case: scoring ? `${spec} ${scoring}` : spec,
    rows: summary.rowsRead,
    generateSeconds,
    scanSeconds,
    wallSeconds,
    peakRssMb: Math.round(rssKb / 1024),
    stageSeconds: summary.stageSeconds,
    documents: summary.documents,
    vocabulary: summary.vocabulary,
    nonzeros: summary.nonzeros,
    reported: summary.reported,
    parquetMb: duSizeMb(day),
  };
}

function table(results: CaseResult[]): string {
  const f = (n: number | undefined, d = 1) => (n === undefined ? '-' : n.toFixed(d));
  const c = (n: number | undefined) => (n === undefined ? '-' : n.toLocaleString('en-US'));
  const head = [
    'case', 'rows', 'parquet MB', 'bare scan s', 'read/validate s', 'words+corpus s', 'LDA s', 'score+output s',
    'non-LDA s', 'non-LDA / scan', 'wall s', 'peak RSS MB', 'rows/s (wall)', 'rows/s (non-LDA)', 'distinct IPs', 'vocabulary', 'nonzeros',
    'nonzeros / row',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`];
  for (const r of results) {
    const s = r.stageSeconds;
    const nonLda = r.wallSeconds - (s.lda ?? 0);
    lines.push(
      `| ${[
        r.case, c(r.rows), c(r.parquetMb), f(r.scanSeconds, 2), f(s.read), f(s.words), f(s.lda), f(s.score),
        f(nonLda), f(nonLda / r.scanSeconds), f(r.wallSeconds), c(r.peakRssMb), c(Math.round(r.rows / r.wallSeconds)),
        c(Math.round(r.rows / nonLda)), c(r.documents), c(r.vocabulary), c(r.nonzeros), f(r.nonzeros === undefined ? undefined : r.nonzeros / r.rows, 2),
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** The first run's counts with the median of every time and of the peak RSS over the runs. */
function medianOf(runs: CaseResult[]): CaseResult {
  const stageSeconds: Record<string, number> = {};
  for (const stage of Object.keys(runs[0].stageSeconds)) stageSeconds[stage] = median(runs.map((r) => r.stageSeconds[stage]));
  return {
    ...runs[0],
    scanSeconds: median(runs.map((r) => r.scanSeconds)),
    wallSeconds: median(runs.map((r) => r.wallSeconds)),
    peakRssMb: median(runs.map((r) => r.peakRssMb)),
    stageSeconds,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let threads: number | undefined;
  let repeat = 1;
  let modes: (string | undefined)[] = [undefined];
  const cases: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--threads') threads = Number(argv[++i]);
    else if (argv[i] === '--runs') repeat = Number(argv[++i]);
    else if (argv[i] === '--scoring') modes = argv[++i].split(',');
    else cases.push(argv[i]);
  }
  if (cases.length === 0) cases.push('flow:1m', 'flow:10m');
  process.stderr.write(`machine: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}\n`);
  const results: CaseResult[] = [];
  const walls: string[] = [];
  const ratios: string[] = [];
  for (const spec of cases) {
    const byMode: CaseResult[] = [];
    for (const mode of modes) {
      const runs: CaseResult[] = [];
      for (let i = 0; i < repeat; i++) {
        const r = await runCase(spec, threads, mode);
        runs.push(r);
        process.stderr.write(`${r.case}: ${JSON.stringify(r)}\n`);
      }
      const result = repeat > 1 ? medianOf(runs) : runs[0];
      results.push(result);
      byMode.push(result);
      if (repeat > 1) {
        const list = (f: (r: CaseResult) => number) => runs.map((r) => f(r).toFixed(1)).join(' ');
        walls.push(`${result.case}: wall s ${list((r) => r.wallSeconds)}; LDA s ${list((r) => r.stageSeconds.lda ?? 0)}; peak RSS MB ${list((r) => r.peakRssMb)}`);
      }
    }
    for (const r of byMode.slice(1)) ratios.push(`${r.case}: ${(r.wallSeconds / byMode[0].wallSeconds).toFixed(2)}× the wall time of ${byMode[0].case}`);
  }
  mkdirSync(outRoot, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  writeFileSync(join(outRoot, `results-${stamp}.json`), JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(table(results) + '\n');
  if (walls.length) process.stdout.write(`\nmedians of ${repeat} runs; every run:\n${walls.join('\n')}\n`);
  if (ratios.length) process.stdout.write(`\n${ratios.join('\n')}\n`);
  const gen = results.filter((r) => r.generateSeconds !== undefined);
  if (gen.length) process.stdout.write(`\ngenerated: ${gen.map((r) => `${r.case} ${r.generateSeconds!.toFixed(1)} s`).join(', ')}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
