import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from '../../engine/engine.js';
import { sqlString } from '../../engine/engine.js';
import type { FormatPlan, IngestType } from '../format.js';
import { TABLES } from '../tables.js';

const MAX_REJECT_TEXT = 2000;
const FIXED = 'spot_ingest_lines';
const BAD_TEXT = 'spot_ingest_bad_text';
const BAD_SCAN = 'spot_ingest_bad_scan';

export interface TextSource {
  /** The file DuckDB reads (a tool's output for a binary source). */
  file: string;
  /** The source's name in the rejects file. */
  name: string;
  gzip: boolean;
  crlf: boolean;
  /** Lines already ingested (a grown log): read for the header, not counted or written again. */
  skipUpTo: number;
}

export interface SourceCounts {
  /** Lines read (after skipUpTo). */
  lines: number;
  rows: number;
  rejected: number;
  notEvents: number;
  firstReject?: string;
}

/**
 * A text file's lines, numbered, as the engine's CSV reader gives them: one VARCHAR column (a delimiter
 * and no quote that log lines do not use), an empty line as NULL, gzip read as is, both cores reading.
 * Lines that are not UTF-8 text (or longer than the reader's limit) go to the reader's rejects table with
 * their line numbers; the numbering here is fixed up afterwards (see readSource).
 */
function linesSql(s: TextSource, numbered = true): string {
  return (
    `SELECT ${numbered ? 'row_number() OVER ()' : 'CAST(0 AS BIGINT)'} AS n, line FROM read_csv(${sqlString(s.file)}, columns = {'line': 'VARCHAR'}, ` +
    `delim = '\x01', quote = '', escape = '', header = false, auto_detect = false, strict_mode = false, ` +
    `new_line = ${s.crlf ? `'\\r\\n'` : `'\\n'`}, compression = ${s.gzip ? `'gzip'` : `'none'`}, ` +
    `store_rejects = true, rejects_table = '${BAD_TEXT}', rejects_scan = '${BAD_SCAN}')`
  );
}

/** What readSource writes: the rejects (file, line, reason, text; no header) and the Parquet hour partitions. */
export interface SourceOutput {
  rejectsCsv: string;
  /** The folder of the hour partitions (`y=YYYY/m=MM/d=DD/h=HH/<pattern>{i}.parquet`). */
  parts: string;
  pattern: string;
}

/**
 * Parses one source in the engine and writes its events to Parquet hour partitions under `parts`, both
 * cores working. A whole file is read once (singlePass); a grown log's tail, a file with unreadable lines
 * or one with a footer is read in two passes (twoPasses). Lines that were rejected are found again only
 * when there are some, with the format's reasons, and written to `rejectsCsv`.
 */
export async function readSource(engine: Engine, type: IngestType, s: TextSource, plan: FormatPlan, out: SourceOutput): Promise<SourceCounts> {
  if (s.skipUpTo === 0) {
    const counts = await singlePass(engine, type, s, plan, out);
    if (counts) return counts;
    await rm(out.parts, { recursive: true, force: true });
  }
  return twoPasses(engine, type, s, plan, out);
}

/** The scratch partitions (y=-skip ...) of the lines a single pass read but did not write as events. */
const SCRATCH = { skip: '-skip', notEvent: '-notevent', bad: '-bad', footer: '-footer' };

/**
 * The single pass' rows: every line of the file (read unnumbered, in any order) as Spot's columns, then
 * y, m, d, h: an event's hour, or for any other line its scratch partition (`y=-skip` ...).
 * Exported for bench/ingest.ts, which times its steps.
 */
export function singlePassQuery(type: IngestType, s: TextSource, plan: FormatPlan): string {
  const t = TABLES[type];
  const footer = plan.footerLine ? `WHEN coalesce(${plan.footerLine}, false) THEN '${SCRATCH.footer}' ` : '';
  const kind = `CASE ${footer}WHEN skip THEN '${SCRATCH.skip}' WHEN filtered THEN '${SCRATCH.notEvent}' WHEN bad THEN '${SCRATCH.bad}' ELSE '' END`;
  const part = (name: 'y' | 'm' | 'd' | 'h') => `CASE WHEN kind = '' THEN ${t.partition[name]} ELSE ${name === 'y' ? 'kind' : `'-'`} END AS ${name}`;
  return (
    `WITH l AS (${linesSql(s, false)}), p AS (${plan.select}), k AS (SELECT *, ${kind} AS kind FROM p) ` +
    `SELECT ${t.select}, ${(['y', 'm', 'd', 'h'] as const).map(part).join(', ')} ` +
    `FROM ${t.hour ? `(SELECT *, CASE WHEN kind = '' THEN ${t.hour} END AS hr FROM k)` : 'k'}`
  );
}

/**
 * One pass over a whole file, read unnumbered and in any order: every line is parsed, checked and written
 * by one `COPY … PARTITION_BY`, the events to their hour, every other line to a scratch partition of its
 * kind (skipped, not an event, rejected), counted there and removed. The statement's count is the
 * file's lines. Undefined (nothing kept) when the file needs numbered lines after all: unreadable lines,
 * or a line that may start a footer.
 */
async function singlePass(engine: Engine, type: IngestType, s: TextSource, plan: FormatPlan, out: SourceOutput): Promise<SourceCounts | undefined> {
  await dropScratchTables(engine);
  const lines = await writeHours(engine, true, singlePassQuery(type, s, plan), out);
  const [{ unreadable }] = await engine.rows(`SELECT count(*) AS unreadable FROM ${BAD_TEXT}`);
  const scratch = new Map<string, number>();
  const dirs = (await readdir(out.parts).catch(() => [] as string[])).filter((d) => d.startsWith('y=-'));
  if (dirs.length) {
    const counted = await engine.rows(
      `SELECT y, count(*) AS n FROM read_parquet(${sqlString(join(out.parts, 'y=-*', '**', '*.parquet'))}, hive_partitioning = true, hive_types_autocast = false) GROUP BY y`,
    );
    for (const r of counted) scratch.set(String(r.y), Number(r.n));
    for (const d of dirs) await rm(join(out.parts, d), { recursive: true, force: true });
  }
  if (Number(unreadable) > 0 || scratch.has(SCRATCH.footer)) return undefined;
  const notEvents = scratch.get(SCRATCH.notEvent) ?? 0;
  const bad = scratch.get(SCRATCH.bad) ?? 0;
  const counts: SourceCounts = { lines, rows: lines - (scratch.get(SCRATCH.skip) ?? 0) - notEvents - bad, rejected: 0, notEvents };
  if (bad > 0) Object.assign(counts, await writeRejects(engine, s, plan, linesSql(s), 'n > 0', out.rejectsCsv));
  return counts;
}

/**
 * Two passes over the file:
 * 1. the lines are counted and classified cheaply (header/footer, not an event): only the columns that
 *    decide this are computed;
 * 2. the events are parsed, checked and written straight to Parquet hour partitions under `parts`
 *    (named `<pattern>{i}`).
 * Lines neither counted in 1 nor written in 2 were rejected.
 */
async function twoPasses(engine: Engine, type: IngestType, s: TextSource, plan: FormatPlan, out: SourceOutput): Promise<SourceCounts> {
  await dropScratchTables(engine);
  let lines = linesSql(s);
  const after = s.skipUpTo;
  try {
    let c = await classify(lines);
    const [{ unreadable }] = await engine.rows(`SELECT count(*) AS unreadable FROM ${BAD_TEXT}`);
    const renumber = Number(unreadable) > 0;
    if (renumber) {
      lines = await renumbered(lines);
      c = await classify(lines);
    }
    const inRange = `n > ${after}${c.footer === null ? '' : ` AND n < ${c.footer}`}`;
    // A whole file's events need no line numbers: the lines are read unnumbered and in any order, which
    // lets both cores parse and write. A tail needs them, and so does a footer before the last few lines
    // (nfdump's Summary block, a few lines that never pass its checks, is the footer expected at the end).
    const whole = after === 0 && !renumber && (c.footer === null || c.last - c.footer < 8);
    const t = TABLES[type];
    const events = `(SELECT * FROM p WHERE NOT skip AND NOT filtered AND NOT bad${whole ? '' : ` AND ${inRange}`})`;
    const written = await writeHours(
      engine,
      whole,
      `WITH l AS (${whole ? linesSql(s, false) : lines}), p AS (${plan.select}) ` +
        `SELECT ${t.select}, ${(['y', 'm', 'd', 'h'] as const).map((k) => `${t.partition[k]} AS ${k}`).join(', ')} ` +
        `FROM ${t.hour ? `(SELECT *, ${t.hour} AS hr FROM ${events})` : events}`,
      out,
    );
    const counts: SourceCounts = {
      lines: Math.max(0, c.last - after),
      rows: written,
      rejected: 0,
      notEvents: c.filtered,
    };
    const unplaced = counts.lines - counts.rows - counts.notEvents - c.skipped;
    if (unplaced > 0) Object.assign(counts, await writeRejects(engine, s, plan, lines, inRange, out.rejectsCsv));
    return counts;
  } finally {
    await engine.exec(`DROP TABLE IF EXISTS ${FIXED}`);
  }

  /** Pass 1: lines, skipped lines (header, comments, everything from the footer on) and non-events after `after`. */
  async function classify(l: string) {
    const [c] = await engine.rows(
      `WITH l AS (${l}), p AS MATERIALIZED (SELECT n, skip, footer, filtered FROM (${plan.select})), f AS (SELECT min(n) AS first_footer FROM p WHERE footer) ` +
        `SELECT coalesce(max(n), 0) AS last, (SELECT first_footer FROM f) AS footer, ` +
        `count(*) FILTER (WHERE n > ${after} AND (skip OR n >= coalesce((SELECT first_footer FROM f), 9223372036854775807))) AS skipped, ` +
        `count(*) FILTER (WHERE n > ${after} AND filtered AND NOT skip AND n < coalesce((SELECT first_footer FROM f), 9223372036854775807)) AS filtered FROM p`,
    );
    return { last: Number(c.last), footer: c.footer === null ? null : Number(c.footer), skipped: Number(c.skipped), filtered: Number(c.filtered) };
  }

  /**
   * The reader left out lines that are not text it can read: the lines are kept in a table with their
   * true numbers (a line's number is its position plus the unreadable lines before it).
   */
  async function renumbered(l: string): Promise<string> {
    await engine.exec(
      `CREATE OR REPLACE TEMP TABLE spot_ingest_gaps AS SELECT line - (row_number() OVER (ORDER BY line) - 1) AS from_n, row_number() OVER (ORDER BY line) AS k FROM ${BAD_TEXT} WHERE scan_id = (SELECT min(scan_id) FROM ${BAD_TEXT});\n` +
        `CREATE TEMP TABLE ${FIXED} AS SELECT n + coalesce((SELECT max(k) FROM spot_ingest_gaps WHERE from_n <= l.n), 0) AS n, line FROM (${l}) AS l;\n` +
        `DROP TABLE spot_ingest_gaps`,
    );
    return `SELECT n, line FROM ${FIXED}`;
  }
}

async function dropScratchTables(engine: Engine): Promise<void> {
  await engine.exec(`DROP TABLE IF EXISTS ${BAD_TEXT}; DROP TABLE IF EXISTS ${BAD_SCAN}; DROP TABLE IF EXISTS ${FIXED}`);
}

/** The Parquet options of ingest's writes (the hour partitions are added by the writer). */
export const PARQUET_WRITE = 'FORMAT parquet, COMPRESSION snappy';

/**
 * Runs `fn` under the settings ingest's write statement needs: lines in any order when they are read
 * unnumbered (both cores parse and write), and no filter pushdown: pushing a filter below the projections
 * would inline every field's expression (the split, the casts) into it, computing each line's fields twice.
 * Exported for bench/ingest.ts, which times the same statement's steps.
 */
export async function withWriteSettings<T>(engine: Engine, anyOrder: boolean, fn: () => Promise<T>): Promise<T> {
  if (anyOrder) await engine.exec('SET preserve_insertion_order = false');
  await engine.exec(`SET disabled_optimizers = 'filter_pushdown'`);
  try {
    return await fn();
  } finally {
    await engine.exec('RESET disabled_optimizers');
    if (anyOrder) await engine.exec('SET preserve_insertion_order = true');
  }
}

/** Writes the rows of `query` (Spot's columns, then y, m, d, h) to the hour partitions under `out.parts`; returns how many. */
async function writeHours(engine: Engine, anyOrder: boolean, query: string, out: SourceOutput): Promise<number> {
  return withWriteSettings(engine, anyOrder, async () => {
    const [{ Count }] = await engine.rows(
      `COPY (${query}) TO ${sqlString(out.parts)} ` +
        `(${PARQUET_WRITE}, PARTITION_BY (y, m, d, h), FILENAME_PATTERN ${sqlString(`${out.pattern}{i}`)})`,
    );
    return Number(Count);
  });
}

/**
 * The rejected lines among the numbered `lines` (within `inRange`), with the format's reasons, and the
 * lines the reader could not take, in line order, to `rejectsCsv`.
 */
async function writeRejects(engine: Engine, s: TextSource, plan: FormatPlan, lines: string, inRange: string, rejectsCsv: string): Promise<{ rejected: number; firstReject: string }> {
  const [r] = await engine.rows(
    `COPY (WITH l AS (${lines}), p AS (${plan.select}), bad AS (SELECT n, line FROM p WHERE bad AND NOT skip AND NOT filtered AND ${inRange}), ` +
      `r AS (WITH l AS (SELECT * FROM bad) ${plan.reasons}) ` +
      `SELECT ${sqlString(s.name)} AS file, n AS line, reason, text FROM (` +
      `SELECT bad.n, r.reason, left(coalesce(bad.line, ''), ${MAX_REJECT_TEXT}) AS text FROM bad JOIN r USING (n) ` +
      // Each scan of the file adds its unreadable lines to the reader's table again: the first scan's are taken.
      `UNION ALL SELECT line, ${UNREADABLE_REASON}, left(ltrim(csv_line, chr(13) || chr(10)), ${MAX_REJECT_TEXT}) FROM ${BAD_TEXT} ` +
      `WHERE line > ${s.skipUpTo} AND scan_id = (SELECT min(scan_id) FROM ${BAD_TEXT})) ORDER BY line) ` +
      `TO ${sqlString(rejectsCsv)} (FORMAT csv, HEADER false)`,
  );
  const [{ first }] = await engine.rows(`SELECT 'line ' || column1 || ': ' || column2 AS first FROM read_csv(${sqlString(rejectsCsv)}, header = false, all_varchar = true) LIMIT 1`);
  return { rejected: Number(r.Count), firstReject: first as string };
}

const UNREADABLE_REASON =
  `CASE error_type WHEN 'INVALID ENCODING' THEN 'not UTF-8 text' WHEN 'LINE SIZE OVER MAXIMUM' THEN 'a line longer than the reader''s limit' ELSE error_message END`;
