import { sqlIdent } from '../engine/engine.js';
import type { SchemaColumn } from '../pipeline/analysis.js';
import type { FeedbackLayout } from './layout.js';

/**
 * `AnalysisFeedback.inputRowsSql` for a layout whose used columns carry the input's own names (dns, proxy):
 * each schema column from the feedback column of that name, NULL when the layout has none.
 */
export function sameNameInputRows(schema: readonly SchemaColumn[], layout: FeedbackLayout) {
  const names = new Set(layout.columns.filter((c) => c.kind !== 'ignored').map((c) => c.name));
  const cols = schema.map((c) => (names.has(c.name) ? sqlIdent(c.name) : `NULL AS ${sqlIdent(c.name)}`));
  return (rows: string) => `SELECT spot_line, ${cols.join(', ')} FROM ${rows}`;
}
