import type { ColumnType, SqlDialect, Statement } from './dialect.js';
import { sqlIdent, sqlString } from './engine.js';

const TYPES: Record<ColumnType, string> = { int32: 'INTEGER', int64: 'BIGINT', float64: 'DOUBLE', text: 'VARCHAR' };

/** The embedded engine's SQL (the formulas of src/common/sql-helpers.ts, so words stay byte-identical). */
export const duckDbDialect: SqlDialect = {
  name: 'duckdb',
  ident: sqlIdent,
  string: sqlString,
  ceilLog2: (x) => `CAST(ceil(log10(${x}) / log10(2)) AS BIGINT)`,
  floorLog2: (x) => `CASE WHEN ${x} = 0 THEN 0 ELSE CAST(trunc(log10(${x}) / log10(2)) AS BIGINT) END`,
  intDiv: (a, b) => `(${a} // ${b})`,
  intText: (x) => `CAST(${x} AS VARCHAR)`,
  concat: (parts) => `(${parts.join(' || ')})`,
  nonNegative: (x) => `(${x} IS NOT NULL AND ${x} >= 0 AND isfinite(CAST(${x} AS DOUBLE)))`,
  inSmallTable: (x, table, column) => `${x} IN (SELECT ${sqlIdent(column)} FROM ${table})`,
  isTrue: (condition) => `coalesce(${condition}, false)`,
  countPerSlot: (relation, columns, where) => {
    const names = columns.map((c) => sqlIdent(c.name));
    return `SELECT ${names.join(', ')}, count(*) AS n FROM (
      SELECT ${columns.map((c, i) => `unnest([${c.values.join(', ')}]) AS ${names[i]}`).join(', ')} FROM ${relation} WHERE ${where})
      WHERE ${names.map((n) => `${n} IS NOT NULL`).join(' AND ')} GROUP BY ${names.join(', ')}`;
  },
  countPerGroup: (relation, keys) => `SELECT ${keys.join(', ')}, count(*) AS n FROM ${relation} GROUP BY ${keys.join(', ')}`,
  materialise: (name, columns, select): Statement[] => [
    {
      on: 'coordinator',
      sql: `CREATE OR REPLACE TEMP TABLE ${sqlIdent(name)} (${columns.map((c) => `${sqlIdent(c.name)} ${TYPES[c.type]}`).join(', ')})`,
    },
    { on: 'coordinator', sql: `INSERT INTO ${sqlIdent(name)} ${select}` },
  ],
  streamColumns: (select) => select,
};
