import type { ColumnType, SqlDialect, Statement } from '../dialect.js';
import { chIdent, chString } from './cluster.js';

const TYPES: Record<ColumnType, string> = { int32: 'Int32', int64: 'Int64', float64: 'Float64', text: 'String' };

/**
 * ClickHouse's SQL, written for 18.16 and current releases alike: `intDiv` (`//` starts a comment),
 * `concat` (no `||` in 18.16), `GLOBAL IN` (a plain IN over a Distributed table runs the subquery on every
 * shard, or is refused), `ARRAY JOIN` for slots, tables made on every node then filled through a
 * `Distributed` table sharded by IP.
 */
export function clickHouseDialect(target: { database: string; cluster: string }): SqlDialect {
  const table = (name: string) => `${chIdent(target.database)}.${chIdent(name)}`;
  return {
    name: 'clickhouse',
    ident: chIdent,
    string: chString,
    ceilLog2: (x) => `toInt64(ceil(log10(${x}) / log10(2)))`,
    floorLog2: (x) => `if(${x} = 0, toInt64(0), toInt64(trunc(log10(${x}) / log10(2))))`,
    intDiv: (a, b) => `intDiv(${a}, ${b})`,
    intText: (x) => `toString(${x})`,
    concat: (parts) => `concat(${parts.join(', ')})`,
    // A comparison with NULL is NULL, and 18.16's AND keeps it: the ifNull makes the test null-safe.
    nonNegative: (x) => `(ifNull(${x} >= 0 AND isFinite(toFloat64(${x})), 0) = 1)`,
    inSmallTable: (x, small, column) => `${x} GLOBAL IN (SELECT ${chIdent(column)} FROM ${small})`,
    isTrue: (condition) => `(ifNull(${condition}, 0) = 1)`,
    countPerSlot: (relation, columns, where) => {
      const names = columns.map((c) => chIdent(c.name));
      return `SELECT ${names.join(', ')}, count() AS n FROM ${relation}
        ARRAY JOIN ${columns.map((c, i) => `[${c.values.join(', ')}] AS ${names[i]}`).join(', ')}
        WHERE (${where}) AND ${names.map((n) => `isNotNull(${n})`).join(' AND ')} GROUP BY ${names.join(', ')}`;
    },
    countPerGroup: (relation, keys) => `SELECT ${keys.join(', ')}, count() AS n FROM ${relation} GROUP BY ${keys.join(', ')}`,
    materialise: (name, columns, select, shardIp): Statement[] => {
      const local = `${name}_local`;
      const ddl = columns.map((c) => `${chIdent(c.name)} Nullable(${TYPES[c.type]})`).join(', ');
      return [
        { on: 'every node', sql: `DROP TABLE IF EXISTS ${table(name)}` },
        { on: 'every node', sql: `DROP TABLE IF EXISTS ${table(local)}` },
        { on: 'every node', sql: `CREATE TABLE ${table(local)} (${ddl}) ENGINE = MergeTree() ORDER BY tuple()` },
        {
          on: 'every node',
          sql:
            `CREATE TABLE ${table(name)} AS ${table(local)} ENGINE = Distributed(${chString(target.cluster)}, ` +
            `${chString(target.database)}, ${chString(local)}, cityHash64(ifNull(${chIdent(shardIp)}, '')))`,
        },
        { on: 'coordinator', sql: `INSERT INTO ${table(name)} ${select}`, settings: { insert_distributed_sync: 1 } },
      ];
    },
    streamColumns: (select) => `${select} FORMAT JSONEachRow`,
  };
}
