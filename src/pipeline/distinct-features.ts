import type { Engine } from '../engine/engine.js';

export interface DistinctFeatures {
  /** Table to create: `key` VARCHAR plus one INTEGER column per feature name. */
  table: string;
  /** SQL yielding one column of distinct, non-null text values. */
  valuesSql: string;
  key: string;
  features: readonly string[];
  /** The features of one value, in the order of `features`. */
  compute: (value: string) => readonly number[];
}

/**
 * Computes string features once per distinct value in JavaScript (domain parsing, entropy: work SQL
 * does badly) and hands them back to the engine as a typed table, to be joined to the rows in SQL.
 */
export async function tabulateDistinct(engine: Engine, spec: DistinctFeatures): Promise<number> {
  const keys: string[] = [];
  const columns: number[][] = spec.features.map(() => []);
  await engine.streamColumns(spec.valuesSql, (cols, n) => {
    const values = cols[0] as string[];
    for (let i = 0; i < n; i++) {
      const v = values[i];
      keys.push(v);
      const out = spec.compute(v);
      for (let f = 0; f < columns.length; f++) columns[f].push(out[f]);
    }
  });
  await engine.createTable(spec.table, [
    { name: spec.key, type: 'VARCHAR', values: keys },
    ...spec.features.map((name, f) => ({ name, type: 'INTEGER' as const, values: Int32Array.from(columns[f]) })),
  ]);
  return keys.length;
}
