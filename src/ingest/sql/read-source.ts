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

/**
 * Parses one source in the engine, in two passes over the file:
 * 1. the lines are counted and classified cheaply (header/footer, not an event): only the columns that
 *    decide this are computed;
 * 2. the events are parsed, checked and written straight to Parquet hour partitions under `parts`
 *    (named `<pattern>{i}`), both cores working.
 * Lines neither counted in 1 nor written in 2 were rejected: only then are they found again, with the
 * format's reasons, and written to `rejectsCsv` (file, line, reason, text; no header).
 */
export async function readSource(engine: Engine, type: IngestType, s: TextSource, plan: FormatPlan, out: { rejectsCsv: string; parts: string; pattern: string }): Promise<SourceCounts> {
  await engine.exec(`DROP TABLE IF EXISTS ${BAD_TEXT}; DROP TABLE IF EXISTS ${BAD_SCAN}; DROP TABLE IF EXISTS ${FIXED}`);
  let lines = linesSql(s);
  const after = s.skipUpTo;
  try {
    // Without a footer, a whole file's lines are counted unnumbered (in any order, both cores reading).
    let c = after === 0 && !plan.hasFooter ? await count() : await classify(lines);
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
    if (whole) await engine.exec('SET preserve_insertion_order = false');
    // Pushing `NOT bad` below the projections would inline every field's expression (the split, the casts)
    // into the filter, computing each line's fields twice.
    await engine.exec(`SET disabled_optimizers = 'filter_pushdown'`);
    let written: unknown;
    try {
      [{ Count: written }] = await engine.rows(
        `COPY (WITH l AS (${whole ? linesSql(s, false) : lines}), p AS (${plan.select}) SELECT ${TABLES[type].select} FROM p ` +
          `WHERE NOT skip AND NOT filtered AND NOT bad${whole ? '' : ` AND ${inRange}`}) ` +
          `TO ${sqlString(out.parts)} (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (y, m, d, h), FILENAME_PATTERN ${sqlString(`${out.pattern}{i}`)})`,
      );
    } finally {
      await engine.exec('RESET disabled_optimizers');
      if (whole) await engine.exec('SET preserve_insertion_order = true');
    }
    const counts: SourceCounts = {
      lines: Math.max(0, c.last - after),
      rows: Number(written),
      rejected: 0,
      notEvents: c.filtered,
    };
    const unplaced = counts.lines - counts.rows - counts.notEvents - c.skipped;
    if (unplaced > 0) {
      const [r] = await engine.rows(
        `COPY (WITH l AS (${lines}), p AS (${plan.select}), bad AS (SELECT n, line FROM p WHERE bad AND NOT skip AND NOT filtered AND ${inRange}), ` +
          `r AS (WITH l AS (SELECT * FROM bad) ${plan.reasons}) ` +
          `SELECT ${sqlString(s.name)} AS file, n AS line, reason, text FROM (` +
          `SELECT bad.n, r.reason, left(coalesce(bad.line, ''), ${MAX_REJECT_TEXT}) AS text FROM bad JOIN r USING (n) ` +
          // Each scan of the file adds its unreadable lines to the reader's table again: the first scan's are taken.
          `UNION ALL SELECT line, ${UNREADABLE_REASON}, left(ltrim(csv_line, chr(13) || chr(10)), ${MAX_REJECT_TEXT}) FROM ${BAD_TEXT} ` +
          `WHERE line > ${after} AND scan_id = (SELECT min(scan_id) FROM ${BAD_TEXT})) ORDER BY line) ` +
          `TO ${sqlString(out.rejectsCsv)} (FORMAT csv, HEADER false)`,
      );
      counts.rejected = Number(r.Count);
      const [{ first }] = await engine.rows(`SELECT 'line ' || column1 || ': ' || column2 AS first FROM read_csv(${sqlString(out.rejectsCsv)}, header = false, all_varchar = true) LIMIT 1`);
      counts.firstReject = first as string;
    }
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

  /** Pass 1 for a whole file without a footer: lines, skipped lines and non-events. */
  async function count() {
    const [c] = await engine.rows(
      `WITH l AS (${linesSql(s, false)}), p AS (SELECT skip, filtered FROM (${plan.select})) ` +
        `SELECT count(*) AS last, count(*) FILTER (WHERE skip) AS skipped, count(*) FILTER (WHERE filtered AND NOT skip) AS filtered FROM p`,
    );
    return { last: Number(c.last), footer: null, skipped: Number(c.skipped), filtered: Number(c.filtered) };
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

const UNREADABLE_REASON =
  `CASE error_type WHEN 'INVALID ENCODING' THEN 'not UTF-8 text' WHEN 'LINE SIZE OVER MAXIMUM' THEN 'a line longer than the reader''s limit' ELSE error_message END`;
