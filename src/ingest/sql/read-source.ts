import type { Engine } from '../../engine/engine.js';
import { sqlString } from '../../engine/engine.js';
import type { FormatPlan, IngestType } from '../format.js';
import { TABLES } from '../tables.js';

const MAX_REJECT_TEXT = 2000;
const PARSED = 'spot_ingest_parsed';
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
function linesSql(s: TextSource): string {
  return (
    `SELECT row_number() OVER () AS n, line FROM read_csv(${sqlString(s.file)}, columns = {'line': 'VARCHAR'}, ` +
    `delim = '\x01', quote = '', escape = '', header = false, auto_detect = false, strict_mode = false, ` +
    `new_line = ${s.crlf ? `'\\r\\n'` : `'\\n'`}, compression = ${s.gzip ? `'gzip'` : `'none'`}, ` +
    `store_rejects = true, rejects_table = '${BAD_TEXT}', rejects_scan = '${BAD_SCAN}')`
  );
}

/**
 * Parses one source in the engine: every line is classified (header/footer, event, not an event,
 * rejected with its reason) by the format's SQL into a temporary table; the rejects are written to
 * `rejectsCsv` (file, line, reason, text; no header) and the events as Parquet hour partitions under
 * `parts`, named `<pattern>{i}`.
 */
export async function readSource(engine: Engine, type: IngestType, s: TextSource, plan: FormatPlan, out: { rejectsCsv: string; parts: string; pattern: string }): Promise<SourceCounts> {
  await engine.exec(`DROP TABLE IF EXISTS ${BAD_TEXT}; DROP TABLE IF EXISTS ${BAD_SCAN}`);
  const staging = TABLES[type].staging.join(', ');
  const lines = linesSql(s);
  await engine.exec(
    `CREATE OR REPLACE TEMP TABLE ${PARSED} AS WITH l AS (${lines}), p AS (${plan.select})\n` +
      `SELECT n, CASE WHEN skip THEN 0 WHEN filtered THEN 2 WHEN bad THEN 3 ELSE 1 END AS kind, CAST(NULL AS VARCHAR) AS reason, ` +
      `CASE WHEN bad AND NOT skip AND NOT filtered THEN left(coalesce(line, ''), ${MAX_REJECT_TEXT}) END AS text, footer, ${staging} FROM p`,
  );
  try {
    const [{ bad }] = await engine.rows(`SELECT count(*) AS bad FROM ${PARSED} WHERE kind = 3`);
    // The reasons of the bad lines: the format's checks in order, on those lines only (the file is read again).
    if (Number(bad) > 0) {
      await engine.exec(
        `UPDATE ${PARSED} SET reason = r.reason FROM (WITH l AS (SELECT * FROM (${lines}) WHERE n IN (SELECT n FROM ${PARSED} WHERE kind = 3)) ${plan.reasons}) AS r ` +
          `WHERE ${PARSED}.n = r.n AND ${PARSED}.kind = 3`,
      );
    }
    const [{ unreadable }] = await engine.rows(`SELECT count(*) AS unreadable FROM ${BAD_TEXT}`);
    if (Number(unreadable) > 0) await placeUnreadableLines();
    const [{ footer }] = await engine.rows(`SELECT min(n) FILTER (WHERE footer) AS footer FROM ${PARSED}`);
    if (footer !== null) await engine.exec(`UPDATE ${PARSED} SET kind = 0, reason = NULL, text = NULL WHERE n > ${footer}`);
    const skip = s.skipUpTo;
    const [c] = await engine.rows(
      `SELECT coalesce(max(n), 0) AS last, count(*) FILTER (WHERE kind = 1 AND n > ${skip}) AS rows, count(*) FILTER (WHERE kind = 3 AND n > ${skip}) AS rejected, ` +
        `count(*) FILTER (WHERE kind = 2 AND n > ${skip}) AS filtered, arg_min('line ' || n || ': ' || reason, n) FILTER (WHERE kind = 3 AND n > ${skip}) AS first FROM ${PARSED}`,
    );
    const counts: SourceCounts = {
      lines: Math.max(0, Number(c.last) - skip),
      rows: Number(c.rows),
      rejected: Number(c.rejected),
      notEvents: Number(c.filtered),
      firstReject: (c.first as string | null) ?? undefined,
    };
    if (counts.rejected > 0) {
      await engine.exec(
        `COPY (SELECT ${sqlString(s.name)} AS file, n AS line, reason, text FROM ${PARSED} WHERE kind = 3 AND n > ${skip} ORDER BY n) ` +
          `TO ${sqlString(out.rejectsCsv)} (FORMAT csv, HEADER false)`,
      );
    }
    if (counts.rows > 0) {
      await engine.exec(
        `COPY (SELECT ${TABLES[type].select} FROM ${PARSED} WHERE kind = 1 AND n > ${skip}) TO ${sqlString(out.parts)} ` +
          `(FORMAT parquet, COMPRESSION zstd, PARTITION_BY (y, m, d, h), FILENAME_PATTERN ${sqlString(`${out.pattern}{i}`)})`,
      );
    }
    return counts;
  } finally {
    await engine.exec(`DROP TABLE IF EXISTS ${PARSED}`);
  }

  /**
   * The reader left out lines that are not text it can read: the lines after each are renumbered (a row's
   * line is its position plus the unreadable lines before it), and each is added as a reject.
   */
  async function placeUnreadableLines(): Promise<void> {
    await engine.exec(
      `CREATE OR REPLACE TEMP TABLE spot_ingest_gaps AS SELECT line - (row_number() OVER (ORDER BY line) - 1) AS at, row_number() OVER (ORDER BY line) AS k FROM ${BAD_TEXT};\n` +
        `UPDATE ${PARSED} SET n = n + coalesce((SELECT max(k) FROM spot_ingest_gaps WHERE at <= ${PARSED}.n), 0);\n` +
        `INSERT INTO ${PARSED} (n, kind, reason, text, footer) SELECT line, 3, ` +
        `CASE error_type WHEN 'INVALID ENCODING' THEN 'not UTF-8 text' WHEN 'LINE SIZE OVER MAXIMUM' THEN 'a line longer than the reader''s limit' ELSE error_message END, ` +
        `left(csv_line, ${MAX_REJECT_TEXT}), false FROM ${BAD_TEXT};\n` +
        `DROP TABLE spot_ingest_gaps`,
    );
  }
}
