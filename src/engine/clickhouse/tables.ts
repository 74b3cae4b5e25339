import type { ColumnInfo } from '../engine.js';
import type { AnalysisType, SchemaColumn } from '../../pipeline/analysis.js';
import { SpotError } from '../../common/errors.js';
import { chIdent, chString, type ClickHouseCluster } from './cluster.js';

/**
 * The IP whose document an event belongs to, which the `Distributed` table shards by, so that a
 * document's events sit on one shard. A flow belongs to two documents (sip's and dip's): it is stored
 * once, on its source IP's shard; the destination side's (ip, word) counts are merged across shards
 * by the initiator (partial aggregates only, never events).
 */
export const SHARD_IP: Record<AnalysisType, string> = { flow: 'sip', dns: 'ip_dst', proxy: 'clientip' };

/** The columns every cluster table has beside Spot's: where each event came from, and its day. */
export const SPOT_COLUMNS = [
  { name: 'spot_file', type: 'String' },
  { name: 'spot_row', type: 'UInt64' },
  { name: 'spot_day', type: 'Date' },
] as const;

const CLICKHOUSE_TYPES: Record<string, string> = {
  TINYINT: 'Int8',
  SMALLINT: 'Int16',
  INTEGER: 'Int32',
  BIGINT: 'Int64',
  UTINYINT: 'UInt8',
  USMALLINT: 'UInt16',
  UINTEGER: 'UInt32',
  UBIGINT: 'UInt64',
  FLOAT: 'Float32',
  DOUBLE: 'Float64',
  VARCHAR: 'String',
};

export interface TableColumn {
  name: string;
  /** ClickHouse type, Nullable (a missing value is an invalid row, kept as such). */
  type: string;
}

/**
 * The cluster table's columns for a Parquet day: Spot's columns with the day's own types (so values and
 * their text in the results are those the embedded run sees), string columns stored with another type as
 * String (the embedded run reads them as text), then spot_file, spot_row, spot_day.
 */
export function tableColumns(schema: readonly SchemaColumn[], found: readonly ColumnInfo[], source: string): TableColumn[] {
  const types = new Map(found.map((c) => [c.name, c.type]));
  const problems: string[] = [];
  const columns = schema.map((col) => {
    const duck = col.kind === 'string' ? 'VARCHAR' : types.get(col.name)!;
    const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(duck);
    const ch = decimal ? `Decimal(${decimal[1]}, ${decimal[2]})` : CLICKHOUSE_TYPES[duck];
    if (!ch) problems.push(`  ${col.name}: ${duck} has no ClickHouse type that holds it exactly`);
    return { name: col.name, type: `Nullable(${ch})` };
  });
  if (problems.length) throw new SpotError(`the input cannot be stored in ClickHouse (${source}):\n${problems.join('\n')}\nnothing was loaded.`);
  return [...columns, ...SPOT_COLUMNS];
}

/** CREATE TABLE for a node's `<type>_local` (or a staging copy): MergeTree, one partition per day. */
export function localTableDdl(table: string, columns: readonly TableColumn[]): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (${columns.map((c) => `${chIdent(c.name)} ${c.type}`).join(', ')})
    ENGINE = MergeTree() PARTITION BY spot_day ORDER BY (spot_day, spot_file, spot_row)`;
}

/** CREATE TABLE for the `Distributed` table over `localName` on every shard, sharded by the document's IP. */
export function distributedTableDdl(cluster: ClickHouseCluster, table: string, localName: string, type: AnalysisType): string {
  return `CREATE TABLE IF NOT EXISTS ${table} AS ${cluster.table(localName)}
    ENGINE = Distributed(${chString(cluster.cluster)}, ${chString(cluster.database)}, ${chString(localName)}, ${shardingKey(type)})`;
}

/** ClickHouse SQL: the sharding key of a type's tables (a NULL IP, an invalid row, hashes as ''). */
export function shardingKey(type: AnalysisType): string {
  return `cityHash64(ifNull(${chIdent(SHARD_IP[type])}, ''))`;
}

/**
 * Creates the database and the type's `<type>_local` and `<type>` tables on every node when missing, and
 * checks that existing ones have the columns this day needs with the same types.
 */
export async function ensureTables(cluster: ClickHouseCluster, type: AnalysisType, columns: readonly TableColumn[]): Promise<void> {
  const local = `${type}_local`;
  await cluster.onEveryNode(() => `CREATE DATABASE IF NOT EXISTS ${chIdent(cluster.database)}`);
  await cluster.onEveryNode(() => localTableDdl(cluster.table(local), columns));
  await cluster.onEveryNode(() => distributedTableDdl(cluster, cluster.table(type), local, type));
  for (const node of cluster.nodes) {
    const sql = `SELECT name, type FROM system.columns WHERE database = ${chString(cluster.database)} AND table = ${chString(local)}`;
    const existing = await cluster.watched((signal) => node.rows<{ name: string; type: string }>(sql, { signal }));
    const have = new Map(existing.map((c) => [c.name, c.type]));
    const differ = columns.filter((c) => (have.get(c.name) ?? '').replace(/\s/g, '') !== c.type.replace(/\s/g, ''));
    if (differ.length) {
      throw new SpotError(
        `the table ${cluster.database}.${local} on ${node.name} does not have this day's column types:\n` +
          differ.map((c) => `  ${c.name}: the table has ${have.get(c.name) ?? 'no such column'}, the day needs ${c.type}`).join('\n') +
          `\nconvert the day to the table's types, or load it into another --clickhouse-database. nothing was loaded.`,
      );
    }
  }
}
