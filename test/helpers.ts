import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDbEngine } from '../src/engine/duckdb.js';
import { sqlString } from '../src/engine/engine.js';
import { generateFlowDay } from '../src/demo/flow-day.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const cliPath = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
/** The shared reference vectors, beside the repository (`../shared/vectors`). */
export const vectorsDir = join(repoRoot, '..', 'shared', 'vectors');

export function readVectors(): any {
  return JSON.parse(readFileSync(join(vectorsDir, 'words.json'), 'utf8'));
}

export function tempDir(name = 'test'): string {
  return mkdtempSync(join(tmpdir(), `spot-ml-${name}-`));
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `spot-ml ARGS` as a user would: the built CLI in its own process. */
export function runCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * runCli without blocking this process: a server running in the test process keeps answering, and its
 * keep-alive sockets are closed on time rather than all at once after a long synchronous run (which
 * resets the client's next request on a socket it still thinks open).
 */
export function runCliAsync(args: readonly string[], options: { env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath, [cliPath, ...args],
      { cwd: repoRoot, env: { ...process.env, ...options.env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** The flags that make a small test run report every scored event. */
export const reportAll = ['--threshold', '1', '--maxresults', '-1', '--quiet', '--ldamaxiterations', '20'];

export async function withEngine<T>(work: (engine: DuckDbEngine) => Promise<T>): Promise<T> {
  const engine = await DuckDbEngine.open({ threads: 2 });
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}

/** Runs a query on a fresh engine and returns its rows. */
export function query(sql: string): Promise<Record<string, unknown>[]> {
  return withEngine((engine) => engine.rows(sql));
}

/** Writes the result of a DuckDB query to a Parquet file. */
export function writeParquet(path: string, sql: string): Promise<void> {
  return withEngine((engine) => engine.exec(`COPY (${sql}) TO ${sqlString(path)} (FORMAT parquet)`));
}

/** Writes rows to a Parquet file with the given DuckDB column types (column order = Parquet order). */
export function writeRowsParquet(path: string, columns: Record<string, string>, rows: readonly object[]): Promise<void> {
  const json = `${path}.json`;
  writeFileSync(json, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const spec = Object.entries(columns).map(([name, type]) => `${sqlString(name)}: ${sqlString(type)}`).join(', ');
  return writeParquet(path, `SELECT * FROM read_json(${sqlString(json)}, format = 'newline_delimited', columns = {${spec}})`);
}

export async function parquetRowCount(path: string): Promise<number> {
  const [{ n }] = await query(`SELECT count(*) AS n FROM read_parquet(${sqlString(path)})`);
  return Number(n);
}

/** Writes a synthetic day of netflow as Parquet under <root>/flow/hive/...; returns the day folder. */
export function writeFlowDay(root: string, date: string, hosts = 40): Promise<string> {
  return withEngine((engine) => generateFlowDay(engine, { root, rows: hosts * 100, hosts, date }));
}

/** Rows of a results file: fields split on the delimiter (no quoted fields in these tests). */
export function readResults(path: string, delimiter = '\t'): string[][] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split(delimiter));
}

export interface FlowRow {
  treceived?: string | null;
  trhour?: number | null;
  trminute?: number | null;
  trsec?: number | null;
  sip?: string | null;
  dip?: string | null;
  sport?: number | null;
  dport?: number | null;
  proto?: string | null;
  ipkt?: number | null;
  ibyt?: number | null;
}

const lit = (v: string | number | null | undefined, type: string) =>
  v === null || v === undefined ? `CAST(NULL AS ${type})` : typeof v === 'string' ? `CAST(${sqlString(v)} AS ${type})` : `CAST(${v} AS ${type})`;

/** SQL for flow rows with Spot's column names and types; unspecified fields get ordinary values. */
export function flowRowsSql(rows: readonly FlowRow[]): string {
  return rows
    .map((r) => {
      const v = { treceived: '2016-05-05 13:54:00', trhour: 13, trminute: 54, trsec: 0, sip: '10.0.2.115', dip: '172.16.0.107', sport: 1302, dport: 80, proto: 'TCP', ipkt: 3, ibyt: 200, ...r };
      return `SELECT ${lit(v.treceived, 'VARCHAR')} AS treceived, 2016 AS tryear, 5 AS trmonth, 5 AS trday,
        ${lit(v.trhour, 'INTEGER')} AS trhour, ${lit(v.trminute, 'INTEGER')} AS trminute, ${lit(v.trsec, 'INTEGER')} AS trsec,
        CAST(0.0 AS FLOAT) AS tdur, ${lit(v.sip, 'VARCHAR')} AS sip, ${lit(v.dip, 'VARCHAR')} AS dip,
        ${lit(v.sport, 'INTEGER')} AS sport, ${lit(v.dport, 'INTEGER')} AS dport, ${lit(v.proto, 'VARCHAR')} AS proto,
        ${lit(v.ipkt, 'BIGINT')} AS ipkt, ${lit(v.ibyt, 'BIGINT')} AS ibyt, CAST(0 AS BIGINT) AS opkt, CAST(0 AS BIGINT) AS obyt`;
    })
    .join('\nUNION ALL\n');
}


/** Spot's end-to-end check (SPEC §8): ten flows between two IPs, one at hour 0 and nine at hour 13. */
export const spotCheckRows: FlowRow[] = [
  { trhour: 0, treceived: '2016-05-05 00:11:00' },
  ...Array.from({ length: 9 }, () => ({ trhour: 13 })),
];

/** Asserts Spot's expected scores: the hour-0 flow 0.1 ± 0.01, each hour-13 flow 0.9 ± 0.01. */
export function checkSpotScores(resultsFile: string): void {
  const rows = readResults(resultsFile);
  assert.equal(rows.length, 10);
  for (const r of rows) {
    const score = Number(r[17]);
    const expected = Number(r[4]) === 0 ? 0.1 : 0.9;
    assert.ok(Math.abs(score - expected) <= 0.01, `hour ${r[4]} scored ${score}, expected ${expected} ± 0.01`);
  }
  assert.equal(rows.filter((r) => Number(r[4]) === 0).length, 1);
}
