import type { Engine } from '../engine/engine.js';

/** Integer types of at most 32 bits: a value plus 2^31 fits in 33 bits. */
const SMALL_INTEGERS = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'UTINYINT', 'USMALLINT', 'UINTEGER']);
const INTEGERS = new Set([...SMALL_INTEGERS, 'BIGINT', 'UBIGINT']);

/**
 * Whether the named columns of `relation` have integer types of at most 32 bits (`small`) and of at
 * most 64 bits (`any`): what packing word parts into integer keys needs.
 */
export async function integerColumns(
  engine: Engine,
  relation: string,
  columns: { small: readonly string[]; any: readonly string[] },
): Promise<boolean> {
  const types = new Map((await engine.describe(relation)).map((c) => [c.name, c.type]));
  return (
    columns.small.every((c) => SMALL_INTEGERS.has(types.get(c) ?? '')) && columns.any.every((c) => INTEGERS.has(types.get(c) ?? ''))
  );
}
