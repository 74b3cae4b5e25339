import type { Engine } from '../engine/engine.js';
import { DAY_RELATIONS, type FeaturizeRelations } from './analysis.js';

export interface DistinctFeatures {
  /** Input column whose distinct values (of clean rows) get features. */
  column: string;
  /** Name of the table's value column (VARCHAR); one INTEGER column per feature name follows it. */
  key: string;
  features: readonly string[];
  /** The features of one value, in the order of `features`. */
  compute: (value: string) => readonly number[];
}

/**
 * The table of per-value features `kind` (names, hosts, ...) for `relations`, returned by name. Features
 * of string values are work SQL does badly (domain parsing, entropy), so they are computed once per
 * distinct value of `relations.input` in JavaScript and handed back to the engine as a typed table, to be
 * joined to the rows in SQL. Rows that are some of the day's (FeaturizeRelations.dayRows) use the day's
 * table instead of building one.
 */
export async function featureTable(engine: Engine, kind: string, relations: FeaturizeRelations, spec: DistinctFeatures): Promise<string> {
  if (relations.dayRows) return `spot_${kind}_${DAY_RELATIONS.output}`;
  const table = `spot_${kind}_${relations.output}`;
  const keys: string[] = [];
  const columns: number[][] = spec.features.map(() => []);
  await engine.streamColumns(`SELECT DISTINCT ${spec.column} FROM ${relations.input} WHERE spot_clean`, (cols, n) => {
    const values = cols[0] as string[];
    for (let i = 0; i < n; i++) {
      const v = values[i];
      keys.push(v);
      const out = spec.compute(v);
      for (let f = 0; f < columns.length; f++) columns[f].push(out[f]);
    }
  });
  await engine.createTable(table, [
    { name: spec.key, type: 'VARCHAR', values: keys },
    ...spec.features.map((name, f) => ({ name, type: 'INTEGER' as const, values: Int32Array.from(columns[f]) })),
  ]);
  return table;
}
