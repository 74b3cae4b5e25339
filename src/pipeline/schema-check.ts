import type { ColumnInfo } from '../engine/engine.js';
import type { SchemaColumn } from './analysis.js';
import { SpotError } from '../common/errors.js';
import { sqlIdent } from '../engine/engine.js';

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL\(\d+,\s*\d+\))$/;

const EXPECTED: Record<SchemaColumn['kind'], string> = {
  string: 'string',
  int: 'int (any integer or floating type)',
  long: 'long (any integer or floating type)',
  double: 'double (any integer or floating type)',
};

/**
 * Checks the input's columns against what the analysis reads (SPEC §2) before any work is done.
 * Returns the string columns stored with another type, which the pipeline reads as text.
 */
export function checkSchema(found: readonly ColumnInfo[], wanted: readonly SchemaColumn[], source: string): string[] {
  // The engine matches column names case-insensitively (SIP is sip), and so does the check.
  const byName = new Map(found.map((c) => [c.name.toLowerCase(), c.type]));
  const problems: string[] = [];
  const castToText: string[] = [];
  for (const col of wanted) {
    const type = byName.get(col.name.toLowerCase());
    if (type === undefined) {
      problems.push(`  ${col.name}: expected ${EXPECTED[col.kind]}, found no such column`);
    } else if (col.kind === 'string') {
      if (type !== 'VARCHAR') castToText.push(col.name);
    } else if (!NUMERIC.test(type)) {
      problems.push(`  ${col.name}: expected ${EXPECTED[col.kind]}, found ${type}`);
    }
  }
  if (problems.length > 0) {
    throw new SpotError(
      `the input does not have the columns this analysis needs (${source}):\n${problems.join('\n')}\n` +
        `nothing was analysed.`,
    );
  }
  return castToText;
}

/**
 * `RENAME (...)` giving the analysis' own spelling to input columns named in another case (`SIP` → `sip`),
 * so that every later step, in SQL and in JavaScript, sees one name; empty when none differ.
 */
export function caseRenames(found: readonly ColumnInfo[], wanted: readonly SchemaColumn[]): string {
  const renames = wanted.flatMap((col) => {
    const match = found.find((c) => c.name.toLowerCase() === col.name.toLowerCase());
    return match && match.name !== col.name ? [`${sqlIdent(match.name)} AS ${sqlIdent(col.name)}`] : [];
  });
  return renames.length ? `RENAME (${renames.join(', ')})` : '';
}
