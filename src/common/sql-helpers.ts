import type { Engine } from '../engine/engine.js';

/**
 * SQL macros shared by the analyses' word rules (SPEC §4). They are defined once per engine session;
 * the exact formulas matter because words are compared as strings. `spot_hour_text` is an hour 0..23
 * as text, NULL when the text is not such a whole number (the word then cannot be formed).
 */
export async function defineSqlHelpers(engine: Engine): Promise<void> {
  await engine.exec(`
    CREATE OR REPLACE MACRO spot_ceil_log2(x) AS CAST(ceil(log10(x) / log10(2)) AS BIGINT);
    CREATE OR REPLACE MACRO spot_floor_log2(x) AS
      CASE WHEN x = 0 THEN 0 ELSE CAST(trunc(log10(x) / log10(2)) AS BIGINT) END;
    CREATE OR REPLACE MACRO spot_num_text(x) AS
      CASE WHEN CAST(x AS DOUBLE) = trunc(CAST(x AS DOUBLE)) AND abs(CAST(x AS DOUBLE)) < 9.0e15
           THEN CAST(CAST(x AS BIGINT) AS VARCHAR) ELSE CAST(x AS VARCHAR) END;
    CREATE OR REPLACE MACRO spot_hour_text(t) AS
      CASE WHEN regexp_full_match(t, '[0-9]+') AND TRY_CAST(t AS INTEGER) <= 23 THEN CAST(TRY_CAST(t AS INTEGER) AS VARCHAR) END;
    CREATE OR REPLACE MACRO spot_nonneg(x) AS (x IS NOT NULL AND x >= 0 AND isfinite(CAST(x AS DOUBLE)));
  `);
}

/** SQL: a word from SQL parts joined with `_`; NULL when any part is NULL. */
export function sqlWord(parts: readonly string[]): string {
  return parts.map((p) => `CAST(${p} AS VARCHAR)`).join(` || '_' || `);
}
