/**
 * Times only the robust score's own steps on a cached bench day (issue 13, done-when 4): attaches the day
 * as the CLI does, runs robustScoredEvents (each step's wall and CPU seconds and the engine's spill are
 * printed, SPOT_ML_ROBUST_TIMING), reads the reported events, and prints the total wall and CPU seconds and
 * the process' peak RSS. The words, corpus and topic model (shared with the spot mode) are not run. As in
 * the CLI, the reads of the day leave out the validity test when every row is clean and scorable, unless
 * --check-rows.
 *
 *   npx tsc -p . && node dist/bench/robust-steps.js [DAY_DIR] [--type flow] [--maxresults 1000] [--out FILE] [--sql] [--check-rows]
 *
 * Default day: bench/out/data/flow-10m (made by `node dist/bench/run.js flow:10m`). --out writes the
 * reported events (score, spot_file, spot_row) as CSV, to compare two builds' results; --sql prints every
 * statement's wall and CPU seconds.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDbEngine } from '../src/engine/duckdb.js';
import { defineSqlHelpers } from '../src/common/sql-helpers.js';
import { analysisFor } from '../src/pipeline/analyses.js';
import { attachInput } from '../src/pipeline/run.js';
import { resolveInputFiles } from '../src/pipeline/input.js';
import { robustScoredEvents } from '../src/scoring/robust/score.js';
import { robustProfile } from '../src/scoring/robust/profiles.js';
import type { AnalysisType } from '../src/pipeline/analysis.js';
import { outRoot } from './days.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const valued = new Set(['--type', '--maxresults', '--out']);
  const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !(i > 0 && valued.has(all[i - 1])));
  const day = positional[0] ?? join(outRoot, 'data', 'flow-10m');
  const type = arg('--type') ?? 'flow';
  const maxResults = Number(arg('--maxresults') ?? 1000);
  const out = arg('--out');
  process.env.SPOT_ML_ROBUST_TIMING = '1';
  const analysis = analysisFor(type);
  // As the CLI opens it for --scoring robust.
  const engine = await DuckDbEngine.open({ keepBlocks: true });
  if (process.argv.includes('--sql')) {
    // Each statement's wall and CPU seconds (the engine's work is on its threads, in this process).
    const exec = engine.exec.bind(engine);
    // A script of several statements is run and timed statement by statement (the robust steps' SQL
    // holds no ';' inside a statement).
    engine.exec = async (script: string) => {
      for (const sql of script.split(/;\s*\n/).map((s) => s.trim()).filter(Boolean)) {
        const wall = Date.now();
        const cpu = process.cpuUsage();
        await exec(sql);
        const used = process.cpuUsage(cpu);
        process.stderr.write(`  [${((Date.now() - wall) / 1000).toFixed(2)} s, cpu ${((used.user + used.system) / 1e6).toFixed(2)} s] ${sql.replace(/\s+/g, ' ').trim().slice(0, 110)}\n`);
      }
    };
  }
  try {
    await defineSqlHelpers(engine);
    const files = await resolveInputFiles(engine, day);
    const rows = await attachInput(engine, analysis, files, day);
    if (analysis.type !== 'flow') await analysis.featurize(engine, { userDomain: '' });
    // As the CLI knows it from its corpus pass: every row clean and scorable (then the reads skip that test).
    const everyRowScorable = !process.argv.includes('--check-rows') && (await scorableRows(engine, analysis.type)) === rows;
    const wall = Date.now();
    const cpu = process.cpuUsage();
    const scored = await robustScoredEvents(engine, analysis, { userDomain: '' }, 1, maxResults, undefined, { everyRowScorable });
    const reported = await engine.rows(`SELECT score, spot_file, spot_row FROM (${scored.sql}) ORDER BY score, spot_file, spot_row`);
    const used = process.cpuUsage(cpu);
    const rss = Math.round(process.resourceUsage().maxRSS / 1024);
    process.stdout.write(`${type} ${rows} rows: robust steps ${((Date.now() - wall) / 1000).toFixed(2)} s wall, ` +
      `${((used.user + used.system) / 1e6).toFixed(2)} s CPU, peak RSS ${rss} MB, ${reported.length} events reported\n`);
    if (out) writeFileSync(out, reported.map((r) => `${r.score},${r.spot_file},${r.spot_row}`).join('\n') + '\n');
  } finally {
    await engine.close();
  }
}

/** The day's clean and scorable rows, as the CLI's corpus pass counts them. */
async function scorableRows(engine: DuckDbEngine, type: AnalysisType): Promise<number> {
  const profile = robustProfile(type);
  const [{ n }] = await engine.rows(`SELECT count(*) AS n FROM ${profile.relation ?? 'featured_view'} WHERE spot_clean AND ${profile.scorable}`);
  return Number(n);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
