import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDbEngine } from '../src/engine/duckdb.js';
import { sqlString } from '../src/engine/engine.js';

/** The shared reference vectors, beside the repository (`../shared/vectors`). */
export const vectorsDir = fileURLToPath(new URL('../../../shared/vectors/', import.meta.url));
const cliMain = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

export async function readVectors(): Promise<any> {
  return JSON.parse(await readFile(join(vectorsDir, 'words.json'), 'utf8'));
}

export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `spot-ml-${prefix}-`));
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: readonly string[]): CliRun {
  const r = spawnSync(process.execPath, [cliMain, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Writes rows to a Parquet file with the given DuckDB column types (column order = Parquet order). */
export async function writeParquet(path: string, columns: Record<string, string>, rows: readonly object[]): Promise<void> {
  const json = `${path}.json`;
  await writeFile(json, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const spec = Object.entries(columns).map(([name, type]) => `${sqlString(name)}: ${sqlString(type)}`).join(', ');
  await withEngine((engine) =>
    engine.exec(`COPY (SELECT * FROM read_json(${sqlString(json)}, format = 'newline_delimited', columns = {${spec}}))
      TO ${sqlString(path)} (FORMAT parquet)`),
  );
}

export async function parquetRowCount(path: string): Promise<number> {
  return withEngine(async (engine) => Number((await engine.rows(`SELECT count(*) AS n FROM read_parquet(${sqlString(path)})`))[0].n));
}

export async function withEngine<T>(work: (engine: DuckDbEngine) => Promise<T>): Promise<T> {
  const engine = await DuckDbEngine.open({ threads: 2 });
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}

/** The rows of a tab-delimited results file without quoted fields, as arrays of fields. */
export async function readResults(path: string): Promise<string[][]> {
  return (await readFile(path, 'utf8')).split('\n').filter(Boolean).map((l) => l.split('\t'));
}

/** The flags that make a small test run fast and report every scored event. */
export const reportAll = ['--threshold', '1', '--maxresults', '-1', '--quiet', '--ldamaxiterations', '20'];
