/**
 * The seam between the analyses and the SQL engine that does the per-record work.
 * DuckDB (embedded) implements it today; a distributed engine (ClickHouse) can take its place
 * without the analyses changing: they only hand it SQL over named relations.
 */
export interface ColumnInfo {
  name: string;
  /** Engine type name, upper case (VARCHAR, BIGINT, DOUBLE, ...). */
  type: string;
}

/** A column of a table handed to the engine from JavaScript. */
export type ColumnData =
  | { name: string; type: 'INTEGER'; values: Int32Array }
  | { name: string; type: 'DOUBLE'; values: Float64Array | Float32Array }
  | { name: string; type: 'VARCHAR'; values: readonly string[] };

export interface CsvOptions {
  delimiter: string;
  header: boolean;
}

/** Rows [from, to) of one input file (a Parquet row group). */
export interface RowRange {
  file: string;
  from: number;
  to: number;
}

/** How far the statement the engine is running has got. */
export interface QueryProgress {
  /** 0..1 of the statement's estimated work. */
  fraction: number;
  /** Rows the statement has processed so far. */
  rows: number;
}

export interface Engine {
  /** Files matched by a glob pattern, sorted. */
  glob(pattern: string): Promise<string[]>;
  /**
   * Defines `name` as a view over the Parquet files, with `spot_file` and `spot_row` identifying each row;
   * the row ranges in `skip` (undecodable row groups) are left out without being read.
   */
  attachParquet(name: string, files: readonly string[], skip?: readonly RowRange[]): Promise<void>;
  /** The row groups of a Parquet file as row ranges (reading only its metadata). */
  rowGroups?(file: string): Promise<RowRange[]>;
  describe(relation: string): Promise<ColumnInfo[]>;
  exec(sql: string): Promise<void>;
  /** Runs a query whose result is small (counts, a few rows) and returns its rows as JS values. */
  rows(sql: string): Promise<Record<string, unknown>[]>;
  /** Streams a query's result in column chunks; `onChunk` gets one array per column (a promise it returns is awaited: backpressure). */
  streamColumns(sql: string, onChunk: (columns: unknown[][], rowCount: number) => void | Promise<void>): Promise<void>;
  /**
   * Streams a query whose columns are all INTEGER or DOUBLE and never NULL as typed arrays (Int32Array,
   * Float64Array) over the engine's own chunk memory: valid only during the call, copied out by `onChunk`.
   * No value is converted one at a time (13M-row corpora).
   */
  streamNumbers(sql: string, onChunk: (columns: (Int32Array | Float64Array)[], rowCount: number) => void): Promise<void>;
  /** Creates (or replaces) a table from column arrays built in JavaScript. */
  createTable(name: string, columns: readonly ColumnData[]): Promise<void>;
  /** Writes a query's result to a Parquet file; returns the number of rows written. */
  writeParquet(sql: string, path: string): Promise<number>;
  /** Writes a query's result to a delimited text file, quoting CSV-style where needed; returns rows written. */
  writeCsv(sql: string, path: string, options: CsvOptions): Promise<number>;
  /** Another connection to the same database, whose statements run beside this one's (closed by its close()); when the engine has them. */
  connection?(): Promise<Engine>;
  /** The running statement's progress, when the engine tracks it and one is running. */
  queryProgress(): QueryProgress | undefined;
  close(): Promise<void>;
}

/** SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** SQL literal of a double: its shortest text, which reads back as the same double. */
export function sqlDouble(value: number): string {
  return `CAST(${sqlString(String(value))} AS DOUBLE)`;
}

/** SQL list literal of strings. */
export function sqlList(values: readonly string[]): string {
  return `[${values.map(sqlString).join(', ')}]`;
}

/** SQL identifier. */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
