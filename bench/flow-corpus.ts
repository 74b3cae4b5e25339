/**
 * The flow analysis' corpus of a generated day as doc<TAB>word<TAB>count lines (bench/lda-peers.ts and
 * bench/lda-kernels.ts): the analysis' own clean predicate and word rules, cached as a TSV file.
 */
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDbEngine } from '../src/engine/duckdb.js';
import { sqlString } from '../src/engine/engine.js';
import { defineSqlHelpers } from '../src/common/sql-helpers.js';
import { generateFlowDay } from '../src/demo/flow-day.js';
import { flowCleanPredicate } from '../src/flow/validity.js';
import { withFlowWords } from '../src/flow/words.js';

const log = (msg: string) => process.stderr.write(`[flow-corpus] ${msg}\n`);

/** Writes the corpus of the flow day in `day` (a folder of Parquet files) to `file` unless it is there already. */
export async function flowDayCorpusTsv(day: string, file: string): Promise<string> {
  if (existsSync(file)) return file;
  const started = Date.now();
  const engine = await DuckDbEngine.open();
  try {
    await defineSqlHelpers(engine);
    await engine.attachParquet('flow_day', await engine.glob(join(day, '**', '*.parquet')));
    // The analysis' corpus rule (pipeline/corpus.ts): each clean event gives its source word to sip and
    // its destination word to dip; an event whose words cannot be formed gives none.
    await engine.exec(`
      CREATE TEMP VIEW w AS
      SELECT sip, dip, spot_word_src AS src, spot_word_dst AS dst FROM (${withFlowWords('flow_day')}) WHERE ${flowCleanPredicate}`);
    await engine.exec(`
      COPY (
        SELECT ip AS doc, word, count(*) AS cnt FROM (
          SELECT sip AS ip, src AS word FROM w WHERE src IS NOT NULL AND dst IS NOT NULL
          UNION ALL
          SELECT dip, dst FROM w WHERE src IS NOT NULL AND dst IS NOT NULL
        ) GROUP BY ip, word ORDER BY ip, word
      ) TO ${sqlString(file + '.tmp')} (FORMAT csv, DELIMITER '\t', HEADER false, QUOTE '')`);
  } finally {
    await engine.close();
  }
  await rename(file + '.tmp', file);
  log(`corpus written in ${((Date.now() - started) / 1000).toFixed(1)} s: ${file}`);
  return file;
}

/** Generates a flow day of `flows` flows over `hosts` hosts (demo generator) and writes its corpus to `file`, once. */
export async function generatedFlowCorpusTsv(flows: number, hosts: number, file: string, date = '20240301'): Promise<string> {
  if (existsSync(file)) return file;
  const root = `${file}-day`;
  const started = Date.now();
  log(`generating ${flows.toLocaleString('en-US')} flows over ${hosts.toLocaleString('en-US')} hosts ...`);
  const engine = await DuckDbEngine.open();
  let day: string;
  try {
    day = await generateFlowDay(engine, { root, rows: flows, hosts, date });
  } finally {
    await engine.close();
  }
  log(`  day written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await flowDayCorpusTsv(day, file);
  await rm(root, { recursive: true, force: true });
  return file;
}
