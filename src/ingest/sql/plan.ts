import type { FormatPlan, IngestType } from '../format.js';
import { TABLES } from '../tables.js';
import type { Checks } from './checks.js';

export interface PlanParts {
  type: IngestType;
  /** Expressions over `l(n, line)` computed once per line, named (e.g. `f` for the split fields). */
  split: Record<string, string>;
  /** A header, comment, footer or empty line. */
  skip: string;
  /** Well-formed but not an event of the type. Must only hold for well-formed lines. */
  filtered?: string;
  /** From the first line after line `after` for which `line` (SQL over the line's text alone) holds, everything is footer. */
  footer?: { after: number; line: string };
  checks: Checks;
  /** The type's staging columns by name; those left out are NULL. */
  values: Record<string, string>;
}

/** A format's SQL from its parts: the per-line split, then checks and values over it (see FormatPlan). */
export function planSelect(p: PlanParts): FormatPlan {
  const staging = TABLES[p.type].staging;
  const unknown = Object.keys(p.values).filter((k) => !staging.includes(k));
  if (unknown.length) throw new Error(`not ${p.type} staging columns: ${unknown.join(', ')}`);
  const values = staging.map((c) => `${p.values[c] ?? 'NULL'} AS ${c}`).join(',\n  ');
  // One SELECT per split entry: a later entry reads an earlier one as a column (in one SELECT, DuckDB would
  // inline the earlier expression into the later, e.g. Squid's URL regex computed twice).
  const split = Object.entries(p.split).reduce((from, [name, sql]) => `(SELECT *, ${sql} AS ${name} FROM ${from})`, '(SELECT n, line FROM l)');
  const from = (strict: boolean) =>
    `FROM (SELECT *${columns(p.checks.typeds.map((t) => t[strict ? 1 : 0]), 't')} FROM (SELECT *${columns(p.checks.raws, 'r')} ` +
    `FROM ${split}))`;
  return {
    select:
      `SELECT n, line, coalesce(${p.skip}, false) AS skip, coalesce(${p.filtered ?? 'false'}, false) AS filtered, ` +
      `coalesce(${p.footer ? `n > ${p.footer.after} AND (${p.footer.line})` : 'false'}, false) AS footer, ${p.checks.failed()} AS bad,\n  ${values}\n${from(false)}`,
    reasons: `SELECT n, ${p.checks.reason()} AS reason ${from(true)}`,
    footerLine: p.footer?.line,
  };
}

const columns = (exprs: readonly string[], prefix: string) => exprs.map((e, i) => `, ${e} AS ${prefix}${i + 1}`).join('');
