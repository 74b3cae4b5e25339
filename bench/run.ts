/**
 * Throughput and memory benchmark (issue 6): generates realistic days with the demo generators (cached in
 * bench/out/), runs the full CLI analysis on each under `/usr/bin/time -v`, and prints wall seconds per
 * stage, peak RSS, rows per second, distinct IPs, vocabulary and nonzeros, next to a bare DuckDB scan of the
 * same Parquet columns (the floor).
 *
 *   npx tsc -p . && node dist/bench/run.js [flow:1m] [flow:10m] [flow:50m:2000] [--threads N]
 *
 * Not run by CI. A case is `TYPE:ROWS[:PER_HOST]` (ROWS like 1m, 10m, 500k, 2500000; PER_HOST events per
 * internal host, default 200); default: flow:1m flow:10m.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDbEngine } from '../src/engine/duckdb.js';
import { sqlString } from '../src/engine/engine.js';
import type { Engine } from '../src/engine/engine.js';
import { generateFlowDay } from '../src/demo/flow-day.js';
import { generateDnsDay } from '../src/demo/dns-day.js';
import { generateProxyDay } from '../src/demo/proxy-day.js';
import { dnsSchema } from '../src/dns/schema.js';
import { proxySchema } from '../src/proxy/schema.js';
import { flowSchema } from '../src/flow/schema.js';
import type { SchemaColumn } from '../src/pipeline/analysis.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const outRoot = join(repoRoot, 'bench', 'out');
const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const DATE = '20160505';

/** A data source the benchmark can generate: its generator, the files it depends on (for the cache key). */
interface Source {
  generate(engine: Engine, root: string, rows: number, hosts: number): Promise<string>;
  /** Compiled files whose content decides the generated day (a change regenerates it). */
  generatorFiles: string[];
  /** Columns the analysis reads (the bare scan reads exactly these). */
  schema: readonly SchemaColumn[];
}

/**
 * Hosts scale with the day: `rows / perHost` internal hosts (clients for DNS and proxy). With the default
 * 200 events per host (50,000 hosts at 10M), most (ip, word) pairs occur once or twice: the costliest
 * shape for the corpus. Busier hosts (e.g. 2,000 events each) repeat their words more.
 */
const SOURCES: Record<'flow' | 'dns' | 'proxy', Source> = {
  flow: {
    generate: (engine, root, rows, hosts) => generateFlowDay(engine, { root, rows, hosts, date: DATE }),
    generatorFiles: ['dist/src/demo/flow-day.js', 'dist/src/demo/sql-random.js'],
    schema: flowSchema,
  },
  dns: {
    generate: (engine, root, rows, hosts) =>
      generateDnsDay(engine, { root, rows, hosts, date: DATE, userDomain: 'spotdemo', tunnelQueries: 6 }),
    generatorFiles: ['dist/src/demo/dns-day.js', 'dist/src/demo/sql-random.js'],
    schema: dnsSchema,
  },
  proxy: {
    generate: (engine, root, rows, hosts) =>
      generateProxyDay(engine, { root, rows, hosts, date: DATE, userDomain: 'spotdemo', beaconRequests: 3 }),
    generatorFiles: ['dist/src/demo/proxy-day.js', 'dist/src/demo/sql-random.js'],
    schema: proxySchema,
  },
};

const DEFAULT_PER_HOST = 200;
const hostsFor = (rows: number, perHost: number) => Math.max(100, Math.round(rows / perHost));
const defaultHosts = (rows: number) => hostsFor(rows, DEFAULT_PER_HOST);

interface CaseResult {
  case: string;
  rows: number;
  generateSeconds?: number;
  scanSeconds: number;
  wallSeconds: number;
  peakRssMb: number;
  stageSeconds: Record<string, number>;
  documents: number;
  vocabulary: number;
  nonzeros: number;
  reported: number;
  parquetMb: number;
}

function parseRows(s: string): number {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(s);
  if (!m) throw new Error(`bad row count: ${s}`);
  const mult = { '': 1, k: 1e3, m: 1e6 }[m[2].toLowerCase() as '' | 'k' | 'm'];
  return Math.round(Number(m[1]) * mult);
}

function cacheKey(source: Source, rows: number, hosts: number): string {
  const h = createHash('sha256');
  for (const f of source.generatorFiles) h.update(readFileSync(join(repoRoot, f)));
  // Days at the default density keep the key they had before the host count became a parameter.
  h.update(hosts === defaultHosts(rows) ? String(rows) : `${rows}/${hosts}`);
  return h.digest('hex').slice(0, 16);
}

async function ensureDay(
  type: string,
  source: Source,
  rows: number,
  hosts: number,
  label: string,
): Promise<{ day: string; seconds?: number }> {
  const root = join(outRoot, 'data', `${type}-${label}`);
  const marker = join(root, 'GENERATED');
  const key = cacheKey(source, rows, hosts);
  const dayPath = join(root, type, 'hive', `y=${DATE.slice(0, 4)}`, `m=${DATE.slice(4, 6)}`, `d=${DATE.slice(6, 8)}`);
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === key) return { day: dayPath };
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const engine = await DuckDbEngine.open({ memoryLimit: '8GB', tempDirectory: join(root, 'tmp') });
  const t = Date.now();
  try {
    process.stderr.write(`generating ${type} ${label} (${rows.toLocaleString('en-US')} rows, ${hosts.toLocaleString('en-US')} hosts)...\n`);
    await source.generate(engine, root, rows, hosts);
  } finally {
    await engine.close();
  }
  rmSync(join(root, 'tmp'), { recursive: true, force: true });
  const seconds = (Date.now() - t) / 1000;
  writeFileSync(marker, key + '\n');
  process.stderr.write(`generated in ${seconds.toFixed(1)} s\n`);
  return { day: dayPath, seconds };
}

/** The floor: a bare DuckDB scan reading every column the analysis reads, in a fresh engine. */
async function bareScan(day: string, schema: readonly SchemaColumn[], threads?: number): Promise<number> {
  const engine = await DuckDbEngine.open({ threads });
  try {
    const cols = schema.map((c) => `max(${c.name === 'tdur' ? 'tdur' : c.name})`).join(', ');
    const t = Date.now();
    await engine.rows(`SELECT count(*), ${cols} FROM read_parquet(${sqlString(join(day, '**', '*.parquet'))})`);
    return (Date.now() - t) / 1000;
  } finally {
    await engine.close();
  }
}

function duSizeMb(dir: string): number {
  const r = spawnSync('du', ['-sm', dir], { encoding: 'utf8' });
  return Number(r.stdout.split('\t')[0]);
}

async function runCase(spec: string, threads?: number): Promise<CaseResult> {
  const [type, sizeText, perHostText] = spec.split(':');
  const source = SOURCES[type as keyof typeof SOURCES];
  if (!source) throw new Error(`unknown analysis in ${spec}: flow, dns or proxy`);
  const rows = parseRows(sizeText);
  const perHost = perHostText ? Number(perHostText) : DEFAULT_PER_HOST;
  const hosts = hostsFor(rows, perHost);
  const label = sizeText.toLowerCase() + (perHostText ? `-per${perHost}` : '');
  const { day, seconds: generateSeconds } = await ensureDay(type, source, rows, hosts, label);
  const scanSeconds = await bareScan(day, source.schema, threads);
  const scored = join(outRoot, 'runs', `${type}-${label}`);
  rmSync(scored, { recursive: true, force: true });
  const args = [
    '-v', process.execPath, cli, '--analysis', type, '--input', day, '--scored', scored,
    '--ldatopiccount', '20', '--ldamaxiterations', '20', '--ldaoptimizer', 'em', '--threshold', '1', '--maxresults', '1000',
    ...(threads ? ['--threads', String(threads)] : []),
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
    case: spec,
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
  const c = (n: number) => n.toLocaleString('en-US');
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
        c(Math.round(r.rows / nonLda)), c(r.documents), c(r.vocabulary), c(r.nonzeros), f(r.nonzeros / r.rows, 2),
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let threads: number | undefined;
  const cases: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--threads') threads = Number(argv[++i]);
    else cases.push(argv[i]);
  }
  if (cases.length === 0) cases.push('flow:1m', 'flow:10m');
  process.stderr.write(`machine: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}\n`);
  const results: CaseResult[] = [];
  for (const spec of cases) {
    const r = await runCase(spec, threads);
    results.push(r);
    process.stderr.write(`${spec}: ${JSON.stringify(r)}\n`);
  }
  mkdirSync(outRoot, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  writeFileSync(join(outRoot, `results-${stamp}.json`), JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(table(results) + '\n');
  const gen = results.filter((r) => r.generateSeconds !== undefined);
  if (gen.length) process.stdout.write(`\ngenerated: ${gen.map((r) => `${r.case} ${r.generateSeconds!.toFixed(1)} s`).join(', ')}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
