/**
 * The benchmark days (issue 6): generated with the demo generators and cached under bench/out/data/
 * (regenerated only when a generator changes), named by a case `TYPE:ROWS[:PER_HOST]`.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import type { AnalysisType, SchemaColumn } from '../src/pipeline/analysis.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const outRoot = join(repoRoot, 'bench', 'out');
export const DATE = '20160505';

/** A data source the benchmark can generate: its generator, the files it depends on (for the cache key). */
export interface Source {
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
export const SOURCES: Record<'flow' | 'dns' | 'proxy', Source> = {
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

export async function ensureDay(
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
  mkdirSync(join(root, 'tmp'), { recursive: true });
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

/** The floor: a bare DuckDB scan reading every column the analysis reads, in a fresh engine (best of three). */
export async function bareScan(day: string, schema: readonly SchemaColumn[], threads?: number): Promise<number> {
  const engine = await DuckDbEngine.open({ threads });
  try {
    const cols = schema.map((c) => `max(${c.name})`).join(', ');
    // The best of three: on a shared machine a single scan varies by a third.
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await engine.rows(`SELECT count(*), ${cols} FROM read_parquet(${sqlString(join(day, '**', '*.parquet'))})`);
      best = Math.min(best, (performance.now() - t) / 1000);
    }
    return best;
  } finally {
    await engine.close();
  }
}

/** A benchmark case: `TYPE:ROWS[:PER_HOST]`. */
export interface BenchCase {
  type: AnalysisType;
  source: Source;
  rows: number;
  hosts: number;
  /** Folder name part: `10m`, `10m-per2000`. */
  label: string;
}

export function parseCase(spec: string): BenchCase {
  const [type, sizeText, perHostText] = spec.split(':');
  if (!(type in SOURCES)) throw new Error(`unknown analysis in ${spec}: flow, dns or proxy`);
  const rows = parseRows(sizeText);
  const perHost = perHostText ? Number(perHostText) : DEFAULT_PER_HOST;
  return {
    type: type as AnalysisType,
    source: SOURCES[type as AnalysisType],
    rows,
    hosts: hostsFor(rows, perHost),
    label: sizeText.toLowerCase() + (perHostText ? `-per${perHost}` : ''),
  };
}
