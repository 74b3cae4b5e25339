import type { Engine } from '../engine/engine.js';
import { sqlIdent } from '../engine/engine.js';
import { usedColumns, type FeedbackLayout, type FeedbackValueKind } from './layout.js';
import type { FeedbackRow } from './read.js';

const SQL_TYPE: Partial<Record<FeedbackValueKind, string>> = { rating: 'INTEGER', int: 'INTEGER', long: 'BIGINT' };

/**
 * Hands parsed feedback rows to the engine: `name` becomes a relation with `spot_line` (the line in the
 * file) and every used column of the layout, typed (whole numbers as numbers; an empty nullable value, or
 * a column the file does not have, as NULL). Values were checked when parsed, so the casts cannot fail.
 */
export async function createFeedbackTable(engine: Engine, name: string, layout: FeedbackLayout, rows: readonly FeedbackRow[]): Promise<void> {
  const columns = usedColumns(layout);
  const present = columns.filter((c) => rows.some((r) => r.values[c.name] !== undefined));
  const textTable = `${name}_text`;
  await engine.createTable(textTable, [
    { name: 'spot_line', type: 'INTEGER', values: Int32Array.from(rows, (r) => r.line) },
    // Numbers are trimmed here, as they were when checked: JavaScript's trim also drops a byte-order mark
    // or a no-break space, which SQL's trim keeps (and then the cast would fail).
    ...present.map((c) => ({
      name: c.name,
      type: 'VARCHAR' as const,
      values: rows.map((r) => (SQL_TYPE[c.kind] ? (r.values[c.name] ?? '').trim() : (r.values[c.name] ?? ''))),
    })),
  ]);
  const typed = columns.map((c) => {
    const type = SQL_TYPE[c.kind];
    if (!present.includes(c)) return `CAST(NULL AS ${type ?? 'VARCHAR'}) AS ${sqlIdent(c.name)}`;
    const col = sqlIdent(c.name);
    const value = type
      ? `CAST(CAST(NULLIF(trim(${col}), '') AS DOUBLE) AS ${type})`
      : c.nullable ? `NULLIF(${col}, '')` : col;
    return `${value} AS ${sqlIdent(c.name)}`;
  });
  await engine.exec(`CREATE OR REPLACE TABLE ${sqlIdent(name)} AS SELECT spot_line, ${typed.join(', ')} FROM ${sqlIdent(textTable)};
    DROP TABLE ${sqlIdent(textTable)};`);
}
