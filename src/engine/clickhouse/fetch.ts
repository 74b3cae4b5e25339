import { Readable } from 'node:stream';
import type { ColumnData, Engine } from '../engine.js';
import { sqlIdent } from '../engine.js';
import { SpotError } from '../../common/errors.js';
import { chIdent, chString, type ClickHouseCluster } from './cluster.js';
import { RowBinaryReader } from './row-binary-read.js';
import { RowBinaryWriter, encodeRows, encoderFor } from './row-binary.js';

/** A column of a cluster table: its name and ClickHouse type. */
export interface ClusterColumn {
  name: string;
  type: string;
}

const DUCKDB_TYPES: Record<string, string> = {
  Int8: 'TINYINT',
  Int16: 'SMALLINT',
  Int32: 'INTEGER',
  Int64: 'BIGINT',
  UInt8: 'UTINYINT',
  UInt16: 'USMALLINT',
  UInt32: 'UINTEGER',
  UInt64: 'UBIGINT',
  Float32: 'FLOAT',
  Float64: 'DOUBLE',
  String: 'VARCHAR',
};

/** The DuckDB type holding a ClickHouse type's values exactly (the inverse of the load's mapping). */
export function duckTypeOf(type: string): string {
  const inner = /^Nullable\((.*)\)$/.exec(type)?.[1] ?? type;
  const decimal = /^Decimal\((\d+),\s*(\d+)\)$/.exec(inner);
  if (decimal) return `DECIMAL(${decimal[1]}, ${decimal[2]})`;
  const duck = DUCKDB_TYPES[inner];
  if (!duck) throw new SpotError(`the cluster column type ${type} has no DuckDB counterpart`, 1);
  return duck;
}

/** Rows per append into DuckDB while a result streams in. */
const APPEND_ROWS = 50_000;

/**
 * Runs `select` on the cluster (its columns: `columns`, in order) and puts its rows into the local DuckDB
 * table `table` with the same values and the DuckDB types of the embedded run (`types` overrides a
 * column's DuckDB type). The rows travel as RowBinary, so every value arrives exactly; returns the row count.
 */
export async function fetchInto(
  cluster: ClickHouseCluster,
  engine: Engine,
  select: string,
  columns: readonly ClusterColumn[],
  table: string,
  types: Record<string, string> = {},
): Promise<number> {
  const duckTypes = columns.map((c) => types[c.name] ?? duckTypeOf(c.type));
  await engine.exec(`CREATE OR REPLACE TABLE ${sqlIdent(table)} (${columns.map((c, i) => `${sqlIdent(c.name)} ${duckTypes[i]}`).join(', ')})`);
  const reader = new RowBinaryReader(columns.map((c) => c.type));
  const staging = `${table}_text`;
  let pending: (string | null)[][] = columns.map(() => []);
  let total = 0;
  const flush = async () => {
    if (pending[0].length === 0) return;
    await engine.createTable(staging, columns.map((c, i) => ({ name: c.name, type: 'VARCHAR', values: pending[i] }) as ColumnData));
    await engine.exec(`INSERT INTO ${sqlIdent(table)} SELECT ${columns.map((c, i) => `CAST(${sqlIdent(c.name)} AS ${duckTypes[i]})`).join(', ')} FROM ${sqlIdent(staging)}`);
    total += pending[0].length;
    pending = columns.map(() => []);
  };
  // The server sends the result only once it is complete, so a failure is an error, never a cut stream.
  await cluster.watched((signal) =>
    cluster.initiator.streamBytes(
      `${select} FORMAT RowBinary`,
      async (piece) => {
        const chunk = reader.push(piece);
        for (let c = 0; c < columns.length; c++) for (const v of chunk.columns[c]) pending[c].push(v);
        if (pending[0].length >= APPEND_ROWS) await flush();
      },
      { settings: { wait_end_of_query: 1 }, signal },
    ),
  );
  reader.end();
  await flush();
  await engine.exec(`DROP TABLE IF EXISTS ${sqlIdent(staging)}`);
  return total;
}

/**
 * Puts a small table on every node (the same rows on each, a Memory table), so a distributed query can
 * test its events against it on every shard with a plain IN. Returns its `database`.`name`.
 */
export async function copyToEveryNode(
  cluster: ClickHouseCluster,
  name: string,
  columns: readonly ClusterColumn[],
  values: readonly unknown[][],
): Promise<string> {
  const table = cluster.table(name);
  await cluster.onEveryNode(() => `DROP TABLE IF EXISTS ${table}`);
  await cluster.onEveryNode(() => `CREATE TABLE ${table} (${columns.map((c) => `${chIdent(c.name)} ${c.type}`).join(', ')}) ENGINE = Memory`);
  const writer = new RowBinaryWriter();
  encodeRows(writer, columns.map((c) => encoderFor(c.type)), values, values[0]?.length ?? 0);
  const bytes = writer.take();
  const insert = `INSERT INTO ${table} (${columns.map((c) => chIdent(c.name)).join(', ')}) FORMAT RowBinary`;
  for (const node of cluster.nodes) {
    await cluster.watched((signal) => node.insertStream(insert, Readable.from([bytes]), { signal }));
  }
  return table;
}

/** copyToEveryNode of the rows of a local DuckDB query, whose columns are those named (values travel as their text). */
export async function copyQueryToEveryNode(engine: Engine, cluster: ClickHouseCluster, name: string, select: string, columns: readonly ClusterColumn[]): Promise<string> {
  const values: (string | null)[][] = columns.map(() => []);
  await engine.streamColumns(`SELECT ${columns.map((c) => `CAST(${sqlIdent(c.name)} AS VARCHAR)`).join(', ')} FROM (${select})`, (cols, n) => {
    for (let c = 0; c < columns.length; c++) for (let i = 0; i < n; i++) values[c].push((cols[c] as (string | null)[])[i]);
  });
  return copyToEveryNode(cluster, name, columns, values);
}

/** Drops a table made by copyToEveryNode (best effort: a node that is down keeps it). */
export async function dropFromEveryNode(cluster: ClickHouseCluster, name: string): Promise<void> {
  await cluster.onEveryNode(() => `DROP TABLE IF EXISTS ${cluster.table(name)}`).catch(() => undefined);
}

/** The columns of the day's table (`<type>_local` on the first node), by name. */
export async function clusterColumns(cluster: ClickHouseCluster, local: string): Promise<Map<string, string>> {
  const sql = `SELECT name, type FROM system.columns WHERE database = ${chString(cluster.database)} AND table = ${chString(local)}`;
  const rows = await cluster.watched((signal) => cluster.initiator.rows<{ name: string; type: string }>(sql, { signal }));
  return new Map(rows.map((r) => [r.name, r.type]));
}
