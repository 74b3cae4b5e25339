/**
 * The flow word rule (SPEC §5, as src/flow/words.ts and src/flow/validity.ts say it for DuckDB) through the
 * SQL dialect, so any engine can count a day's (ip, word) pairs. The first piece of the analyses on the
 * dialect: for integer-typed ports, hours and counters (what Spot's schema has).
 */
import type { SqlDialect } from '../engine/dialect.js';
import { rules } from './words.js';

/** SQL (the dialect's): the row is clean (SPEC §3). */
export function flowCleanSql(d: SqlDialect): string {
  return [
    d.isTrue('trhour BETWEEN 0 AND 23'),
    d.isTrue('trminute BETWEEN 0 AND 59'),
    d.isTrue('trsec BETWEEN 0 AND 59'),
    'treceived IS NOT NULL AND sip IS NOT NULL AND dip IS NOT NULL',
    ...['sport', 'dport', 'ibyt', 'ipkt'].map((c) => d.nonNegative(c)),
  ].join(' AND ');
}

/** SQL (the dialect's): the word given to the source (`side` 1) or destination (2) IP. */
export function flowWordSql(d: SqlDialect, side: 1 | 2): string {
  const port = caseOf(rules.map(([when, text, , num]) => [when, num === 'NULL' ? text : d.intText(num)]));
  const rule = caseOf(rules.map(([when], i) => [when, String(i)]));
  const prefixedRules = rules.flatMap(([, , s], i) => (s === side ? [i] : []));
  const prefix = prefixedRules.length ? `CASE WHEN ${rule} IN (${prefixedRules.join(', ')}) THEN '-1_' ELSE '' END` : "''";
  return d.concat([prefix, port, "'_'", 'proto', "'_'", d.intText('trhour'), "'_'", d.intText(d.ceilLog2('ibyt + 1')), "'_'", d.intText(d.ceilLog2('ipkt + 1'))]);
}

/** CASE over the rules, first match wins; the last rule's `true` is written as ELSE (18.16 has no `true`). */
function caseOf(branches: readonly [string, string][]): string {
  return `CASE ${branches.map(([when, then]) => (when === 'true' ? `ELSE ${then}` : `WHEN ${when} THEN ${then}`)).join(' ')} END`;
}

/** SQL (the dialect's): the day's (ip, word, n) counts over the clean flows of `relation`. */
export function flowPairCountSql(d: SqlDialect, relation: string, where?: string): string {
  return d.countPerSlot(
    relation,
    [
      { name: 'ip', values: ['sip', 'dip'] },
      { name: 'word', values: [flowWordSql(d, 1), flowWordSql(d, 2)] },
    ],
    where ? `(${where}) AND ${flowCleanSql(d)}` : flowCleanSql(d),
  );
}
