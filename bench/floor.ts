/**
 * What a pipeline cannot avoid, step by step (issue 6): on the benchmark days of run.ts, times in one
 * DuckDB engine (the pipeline's memory bound) the bare scan, the validity rule, forming every event's
 * words in their cheapest form (the analysis' word keys when it has them), counting the (ip, word) pairs,
 * and bringing that many (document, word, count) rows into JavaScript. Each is printed with its ratio to
 * the bare scan, so the floor of any corpus-based design can be read off.
 *
 *   npx tsc -p . && node dist/bench/floor.js flow:10m flow:10m:2000 dns:10m proxy:10m
 *
 * Not run by CI. Uses the days run.ts generates (generating them if needed).
 */
import { DuckDbEngine } from '../src/engine/duckdb.js';
import { defineSqlHelpers } from '../src/common/sql-helpers.js';
import { analysisFor } from '../src/pipeline/analyses.js';
import { eventSlotsSql } from '../src/pipeline/corpus.js';
import { bareScan, ensureDay, parseCase } from './days.js';

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const value = await work();
  return [(performance.now() - t) / 1000, value];
}

async function floorOf(spec: string): Promise<Record<string, number | string>> {
  const { type, source, rows, hosts, label } = parseCase(spec);
  const { day } = await ensureDay(type, source, rows, hosts, label);
  const scan = await bareScan(day, source.schema);
  const analysis = analysisFor(type);
  const engine = await DuckDbEngine.open();
  try {
    await defineSqlHelpers(engine);
    await engine.attachParquet('raw_input', await engine.glob(`${day}/**/*.parquet`));
    await engine.exec(`CREATE VIEW input_view AS SELECT * EXCLUDE (file_row_number), file_row_number AS spot_row,
      ${analysis.cleanPredicate} AS spot_clean FROM raw_input`);
    const [validity] = await timed(() => engine.rows('SELECT count(*) FILTER (WHERE spot_clean) FROM input_view'));
    // The same options as run.ts's CLI runs (no --userdomain).
    const [featurize, keys] = await timed(async () => (await analysis.featurize(engine, { userDomain: '' })) || undefined);
    const words = keys?.keys ?? analysis.wordSlots.map((s) => s.word);
    const [wordSeconds] = await timed(() =>
      engine.rows(`SELECT count(*), ${words.map((w) => `count(DISTINCT hash(${w}))`).join(', ')} FROM featured_view WHERE spot_clean`),
    );
    const [count] = await timed(() =>
      engine.exec(`CREATE TEMP TABLE pairs AS SELECT ip, word, count(*) AS n FROM (${eventSlotsSql(analysis.wordSlots, 'featured_view', words)}) GROUP BY ALL`),
    );
    const [{ n }] = await engine.rows('SELECT count(*) AS n FROM pairs');
    const [transfer] = await timed(() =>
      engine.streamColumns(
        'SELECT CAST(hash(ip) % 1000000 AS INTEGER), CAST(hash(word) % 100000 AS INTEGER), CAST(n AS DOUBLE) FROM pairs',
        () => {},
      ),
    );
    const ratio = (s: number) => `${s.toFixed(2)} (${(s / scan).toFixed(1)}×)`;
    return {
      case: spec,
      'bare scan s': scan.toFixed(2),
      'validity s': ratio(validity),
      'day tables s': ratio(featurize),
      'words formed s': ratio(wordSeconds),
      'pairs counted s': ratio(count),
      pairs: Number(n).toLocaleString('en-US'),
      'pairs to JS s': ratio(transfer),
      'words by': keys ? 'integer key' : 'text',
    };
  } finally {
    await engine.close();
  }
}

async function main(): Promise<void> {
  const specs = process.argv.slice(2);
  if (specs.length === 0) specs.push('flow:10m');
  const rows: Record<string, number | string>[] = [];
  for (const spec of specs) {
    rows.push(await floorOf(spec));
    process.stderr.write(`${spec}: ${JSON.stringify(rows.at(-1))}\n`);
  }
  const head = Object.keys(rows[0]);
  process.stdout.write(`| ${head.join(' | ')} |\n|${head.map(() => ' --- ').join('|')}|\n`);
  for (const r of rows) process.stdout.write(`| ${head.map((h) => r[h]).join(' | ')} |\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
