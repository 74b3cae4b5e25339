/**
 * What the analyses ask of an engine, said once and written by each engine in its own SQL (Arquero's
 * split between expressions and their execution). The analyses do not use it yet: this is the seam they
 * move to, so that the cluster engine is one more implementation instead of an edit in every analysis.
 * Every rendering must give the same values in every engine: words are compared as text.
 */

/** Column types a materialised table may have (NULL allowed in each). */
export type ColumnType = 'int32' | 'int64' | 'float64' | 'text';

/** A statement and where it runs: the coordinating server, or each server of a cluster (DDL). */
export interface Statement {
  on: 'coordinator' | 'every node';
  sql: string;
  /** Engine settings for this statement (ClickHouse's, e.g. insert_distributed_sync). */
  settings?: Record<string, number>;
}

export interface SqlDialect {
  readonly name: 'duckdb' | 'clickhouse';
  ident(name: string): string;
  string(value: string): string;
  /** Spot's ceilLog2: ceil(log10(x) / log10(2)) as a 64-bit integer (x >= 1). */
  ceilLog2(x: string): string;
  /** Spot's floorLog2: 0 for 0, else trunc(log10(x) / log10(2)), as a 64-bit integer. */
  floorLog2(x: string): string;
  /** Integer division rounding toward zero. */
  intDiv(a: string, b: string): string;
  /** An integer as decimal text. */
  intText(x: string): string;
  /** Text parts joined; NULL when any part is NULL. */
  concat(parts: readonly string[]): string;
  /** Null-safe: `x` is present, finite and >= 0. */
  nonNegative(x: string): string;
  /** `x` is one of the values of `column` in the small table `table` (a semi-join; on a cluster the table is sent to the shards). */
  inSmallTable(x: string, table: string, column: string): string;
  /** Null-safe truth of a condition: NULL counts as false. */
  isTrue(condition: string): string;
  /**
   * Counts per distinct slot values: each row of `relation` satisfying `where` is taken once per slot (slot i
   * has the i-th expression of every column), slots with a NULL value are left out; columns plus `n`. On a
   * cluster this is one flat query, so the shards count and the coordinator only merges their counts.
   */
  countPerSlot(relation: string, columns: readonly { name: string; values: readonly string[] }[], where: string): string;
  /** Rows per distinct value of `keys` as `n`. */
  countPerGroup(relation: string, keys: readonly string[]): string;
  /** Statements making `name` from `select`, spread by `shardIp` where the engine has shards. */
  materialise(name: string, columns: readonly { name: string; type: ColumnType }[], select: string, shardIp: string): Statement[];
  /** A query whose columns are read out in bulk (engine-specific wire format appended where one is needed). */
  streamColumns(select: string): string;
}
