import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DuckDbEngine } from '../../src/engine/duckdb.js';
import { generateFlowDay } from '../../src/demo/flow-day.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `spot-ml ARGS` as a user would: the built CLI in its own process. */
export function spotMl(args: readonly string[]): CliRun {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Writes a synthetic day of netflow as Parquet (DuckDB) under <root>/flow/hive/...; returns the day folder. */
export async function writeFlowDay(root: string, date: string, hosts = 40): Promise<string> {
  const engine = await DuckDbEngine.open({ threads: 2 });
  try {
    return await generateFlowDay(engine, { root, rows: hosts * 100, hosts, date });
  } finally {
    await engine.close();
  }
}
