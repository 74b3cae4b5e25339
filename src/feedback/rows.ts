import { columnNamed, usedColumns, type FeedbackLayout } from './layout.js';
import { checkValue } from './values.js';

/** Where each column is in a file's lines: by header name, else at Spot's position (SPEC §6). */
export function mapColumns(header: readonly string[], layout: FeedbackLayout): Map<string, number> {
  const named = new Map<string, number>();
  header.forEach((h, i) => {
    const column = columnNamed(layout, h);
    if (column && !named.has(column.name)) named.set(column.name, i);
  });
  const claimed = new Set(named.values());
  const found = new Map<string, number>();
  for (const c of layout.columns) {
    const byName = named.get(c.name);
    if (byName !== undefined) found.set(c.name, byName);
    else if (c.position !== undefined && !claimed.has(c.position)) found.set(c.name, c.position);
  }
  return found;
}

/** Used columns of Spot's layout that the header neither names nor leaves at Spot's position. */
export function missingColumns(columns: ReadonlyMap<string, number>, layout: FeedbackLayout): string[] {
  return usedColumns(layout)
    .filter((c) => c.position !== undefined && !columns.has(c.name))
    .map((c) => c.name);
}

/** The used columns' raw values of one line, or why the line cannot be read. */
export function rowValues(
  fields: readonly string[],
  columns: ReadonlyMap<string, number>,
  layout: FeedbackLayout,
): { values: Record<string, string> } | { problem: string } {
  const values: Record<string, string> = {};
  let needed = 0;
  for (const c of usedColumns(layout)) {
    const at = columns.get(c.name);
    if (at === undefined) continue;
    needed = Math.max(needed, at + 1);
    if (at < fields.length) values[c.name] = fields[at];
  }
  if (fields.length < needed) return { problem: `too few fields (${fields.length}; this file's columns need ${needed})` };
  const problem = checkRow(values, layout);
  return problem ? { problem } : { values };
}

/** The first problem of a row's values (by column name), or undefined when every used value is usable. */
export function checkRow(values: Readonly<Record<string, string | undefined>>, layout: FeedbackLayout): string | undefined {
  return rowProblems(values, layout)[0];
}

/** Every problem of a row's values, in column order: `X is empty` for each missing value, then bad values. */
export function rowProblems(values: Readonly<Record<string, string | undefined>>, layout: FeedbackLayout): string[] {
  const problems: string[] = [];
  for (const c of usedColumns(layout)) {
    const raw = values[c.name];
    const empty = raw === undefined || raw.trim() === '';
    if (empty) {
      if (c.nullable || (raw === undefined && c.position === undefined)) continue;
      problems.push(`${c.name} is empty`);
      continue;
    }
    const checked = checkValue(c.kind, raw);
    if (!checked.ok) problems.push(`${c.name}: ${checked.problem}`);
  }
  return problems;
}
