import { sqlString } from '../../engine/engine.js';

/** A value as the reject reasons show it: JSON-quoted, cut at 60 characters, `(missing)` when absent. */
export function show(v: string): string {
  return `CASE WHEN ${v} IS NULL THEN '(missing)' ELSE CAST(to_json(CASE WHEN length(${v}) > 60 THEN left(${v}, 60) || '…' ELSE ${v} END) AS VARCHAR) END`;
}

/**
 * A line's checks in SQL, in the order the fields are read: each typed value is built with its check,
 * and `reason()` gives the first failing check's message (NULL when the line is fine).
 */
export class Checks {
  private readonly list: [string, string][] = [];
  private guards: string[] = [];

  /** A failure when `cond` holds (NULL counts as not failing), with the SQL message expression. */
  add(cond: string, message: string): this {
    this.list.push([this.guards.length ? `(${this.guards.join(' AND ')}) AND (${cond})` : cond, message]);
    return this;
  }

  /** The checks `build` adds apply only where `when` holds (an optional field that is present). */
  only<T>(when: string, build: () => T): T {
    this.guards.push(`(${when})`);
    try {
      return build();
    } finally {
      this.guards.pop();
    }
  }

  /** A whole number within [min, max] (strict digits, as text); returns the BIGINT expression. */
  int(v: string, name: string, min = 0, max = 2147483647): string {
    const typed = `(CASE WHEN regexp_full_match(${v}, '-?[0-9]{1,18}') THEN CAST(${v} AS BIGINT) END)`;
    this.add(`${typed} IS NULL`, `${sqlString(`${name}: not a whole number: `)} || ${show(v)}`);
    this.add(`${typed} NOT BETWEEN ${min} AND ${max}`, `${sqlString(`${name}: `)} || ${v} || ${sqlString(` out of range ${min}..${max}`)}`);
    return typed;
  }

  /** A count (bigint column): a non-negative whole number. */
  count(v: string, name: string): string {
    return this.int(v, name, 0, Number.MAX_SAFE_INTEGER);
  }

  /** A decimal number; returns the trimmed text. */
  num(v: string, name: string): string {
    const t = `trim(${v})`;
    this.add(`${v} IS NULL OR NOT coalesce(isfinite(TRY_CAST(${t} AS DOUBLE)), false)`, `${sqlString(`${name}: not a number: `)} || ${show(v)}`);
    return t;
  }

  /** A required text field (present and not empty). */
  text(v: string, name: string): string {
    this.add(`${v} IS NULL OR ${v} = ''`, sqlString(`${name}: missing`));
    return v;
  }

  /**
   * `YYYY-MM-DD HH:MM:SS[.fff]` (or with a T) → `YYYY-MM-DD HH:MM:SS`, checked to be a real time.
   */
  dateTime(v: string, name: string): string {
    this.add(
      `NOT coalesce(regexp_full_match(${v}, '\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])[ T]([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d+)?'), false)`,
      `${sqlString(`${name}: not a time YYYY-MM-DD HH:MM:SS: `)} || ${show(v)}`,
    );
    return `(left(${v}, 10) || ' ' || substr(${v}, 12, 8))`;
  }

  /** Epoch seconds (with fraction), checked; returns whole seconds (BIGINT). */
  epochSeconds(v: string, name: string): string {
    const d = `TRY_CAST(${v} AS DOUBLE)`;
    this.add(`${v} IS NULL OR NOT coalesce(${d} BETWEEN 0 AND 32503680000, false)`, `${sqlString(`${name}: not a Unix time: `)} || ${show(v)}`);
    return `CAST(floor(${d}) AS BIGINT)`;
  }

  reason(): string {
    if (!this.list.length) return 'CAST(NULL AS VARCHAR)';
    return `CASE ${this.list.map(([c, m]) => `WHEN ${c} THEN ${m}`).join(' ')} END`;
  }
}

/** Whole seconds since the epoch → `YYYY-MM-DD HH:MM:SS` (UTC). */
export function utcText(seconds: string): string {
  return `strftime(make_timestamp(${seconds} * 1000000), '%Y-%m-%d %H:%M:%S')`;
}

/** Spot's fulluri: host + path + query, path and query only when longer than one character. */
export function fullUriSql(host: string, path: string, query: string): string {
  return `(${host} || CASE WHEN length(${path}) > 1 THEN ${path} ELSE '' END || CASE WHEN length(${query}) > 1 THEN ${query} ELSE '' END)`;
}

/** The file extension of a URI path, `-` when none (a dot neither first nor last in the last segment). */
export function extensionSql(path: string): string {
  return `coalesce(nullif(regexp_extract(${path}, '[^/]\\.([^./]+)$', 1), ''), '-')`;
}
