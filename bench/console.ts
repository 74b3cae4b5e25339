/**
 * The console on a results file of a million rows (issue 12): a 1M-row flow day (the demo generator, cached
 * in bench/out/ like bench/run.ts) analysed with every event reported, then the console's API in this
 * process: loading the run (the results read into the engine once), the first page, a filtered page and a
 * sorted page, each the best of three after the load.
 *
 *   npx tsc -p . && node dist/bench/console.js [ROWS]      (default 1000000)
 *
 * Not run by CI.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { DuckDbEngine } from '../src/engine/duckdb.js';
import { ConsoleApi } from '../src/console/api.js';
import { PRIVATE_RANGES } from '../src/console/allowlist.js';
import { catalogOfScored } from '../src/console/catalog.js';
import { DATE, ensureDay, outRoot, repoRoot, SOURCES } from './days.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const label = `console-${rows}`;
const { day } = await ensureDay('flow', SOURCES.flow, rows, Math.max(10, Math.floor(rows / 200)), label);
const scored = join(outRoot, 'console', `${label}`, 'scores');
if (!existsSync(join(scored, 'flow_results.csv'))) {
  process.stderr.write(`analysing ${day} (every event reported)...\n`);
  const r = spawnSync(process.execPath, [join(repoRoot, 'dist', 'src', 'cli', 'main.js'), '--analysis', 'flow', '--input', day, '--scored', scored, '--threshold', '1', '--maxresults', '-1', '--quiet'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}

const engine = await DuckDbEngine.open();
const api = new ConsoleApi(engine, await catalogOfScored(scored), { allowlistFile: join(scored, '..', 'allowlist.txt'), internal: PRIVATE_RANGES });
await api.init(); // starts loading the run in the background
// A fresh console: the first request waits for the run's load to end.
const tLoad = performance.now();
const base = `/days/${encodeURIComponent((await api.listDays().then((d) => (d[0] as { day: string }).day)))}/flow`;
const load = (performance.now() - tLoad) / 1000;

async function timed(path: string, params: string): Promise<{ seconds: number; total: number }> {
  const t = performance.now();
  const out = await api.handle('GET', `${base}${path}`, new URLSearchParams(params), undefined);
  return { seconds: (performance.now() - t) / 1000, total: (out.json as { total?: number }).total ?? -1 };
}

async function best(path: string, params: string): Promise<{ seconds: number; total: number }> {
  const runs = [await timed(path, params), await timed(path, params), await timed(path, params)];
  return runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

const first = await best('/events', 'limit=50');
const filtered = await best('/events', 'q=10.0.1&proto=TCP&port=443&max=1e-3&limit=50');
const sorted = await best('/events', 'sort=ibyt&dir=desc&limit=50');
const deep = await best('/events', 'offset=900000&limit=50');
await api.handle('POST', `${base}/events/3/rating`, new URLSearchParams(), { rating: 'low' });
const rated = await best('/events', 'rated=rated&limit=50');
const afterRating = await best('/events', 'limit=50');
await engine.close();

const f = (s: number) => s.toFixed(3);
process.stdout.write(
  [
    `machine: ${cpus().length} × ${cpus()[0].model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; date ${DATE}`,
    `results rows: ${first.total.toLocaleString('en-US')}`,
    `load (results into the engine, percentiles, ratings; once per run, in the background from start): ${f(load)} s`,
    `first page (50 rows): ${f(first.seconds)} s`,
    `filtered page (text, protocol, port, score ≤): ${f(filtered.seconds)} s (${filtered.total.toLocaleString('en-US')} matches)`,
    `sorted page (bytes in, descending): ${f(sorted.seconds)} s`,
    `deep page (offset 900,000): ${f(deep.seconds)} s`,
    `rated events only (one rating): ${f(rated.seconds)} s; first page with a rating: ${f(afterRating.seconds)} s`,
  ].join('\n') + '\n',
);
