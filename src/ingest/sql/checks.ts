import { sqlString } from '../../engine/engine.js';

/** A value as the reject reasons show it: JSON-quoted, cut at 60 characters, `(missing)` when absent. */
export function show(v: string): string {
  return `CASE WHEN ${v} IS NULL THEN '(missing)' ELSE CAST(to_json(CASE WHEN length(${v}) > 60 THEN left(${v}, 60) || '…' ELSE ${v} END) AS VARCHAR) END`;
}

/** Delimited lines (split into `f` on one character): the shape of a good line is checked with one regex. */
export interface Shape {
  delimiter: ',' | '\t';
  width: number;
}

/**
 * A line's checks in SQL, in the order the fields are read: each typed value is built with its check.
 * `failed()` says cheaply whether any check fails; `reason()` gives the first failing check's message
 * and is run on the failed lines only. With a Shape, the checks on whole fields (`f[i]`, `trim(f[i])`:
 * digits, present, a time) become one regular expression over the line, and the typed values are
 * plain casts (strict ones in reason(), where they decide the message).
 */
export class Checks {
  private readonly list: { cond: string; message: string; byShape: boolean }[] = [];
  private guards: string[] = [];
  private readonly patterns = new Map<number, string>();
  /** Columns computed once a line, before the checks: fields taken from the split (`r…`), then typed values over them (`t…`). */
  readonly raws: string[] = [];
  /** [for every line, for the reasons] */
  readonly typeds: [string, string][] = [];

  constructor(private readonly shape?: Shape) {}

  /** A failure when `cond` holds (NULL counts as not failing), with the SQL message expression. */
  add(cond: string, message: string, byShape = false): this {
    this.list.push({ cond: this.guards.length ? `(${this.guards.join(' AND ')}) AND (${cond})` : cond, message, byShape });
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

  /** `expr` (over the split columns) computed once a line; returns its column name. */
  raw(expr: string): string {
    return named(this.raws, expr, 'r');
  }

  /** `expr` (over raw columns) computed once a line (`strict` instead where reasons are made); returns its column name. */
  typed(expr: string, strict = expr): string {
    let i = this.typeds.findIndex(([a, b]) => a === expr && b === strict);
    if (i < 0) i = this.typeds.push([expr, strict]) - 1;
    return `t${i + 1}`;
  }

  /** When `v` is a whole field of a shaped line and no guard applies: the regex its text must match, recorded. */
  private byShape(v: string, pattern: string): boolean {
    const m = this.shape && !this.guards.length ? /^(trim\()?f\[(\d+)\]\)?$/.exec(v) : null;
    if (!m) return false;
    const i = Number(m[2]);
    const prev = this.patterns.get(i);
    if (prev !== undefined && prev !== pattern) return false;
    this.patterns.set(i, m[1] ? ` *(?:${pattern}) *` : pattern);
    return true;
  }

  /** A whole number within [min, max] (strict digits, as text); returns the BIGINT column. */
  int(v: string, name: string, min = 0, max = 2147483647): string {
    const r = this.raw(v);
    // Digits (and a sign) only: TRY_CAST alone would also take spaces, `+`, `5.7`, `1e3` or `0x10`. (A regex:
    // ltrim with a character set costs ~0.5 µs a value, seven times as much.)
    const strict = `CASE WHEN regexp_full_match(${r}, '-?[0-9]+') THEN TRY_CAST(${r} AS BIGINT) END`;
    const shaped = this.byShape(v, '-?[0-9]{1,18}');
    const t = this.typed(shaped ? `TRY_CAST(${r} AS BIGINT)` : strict, strict);
    this.add(`${t} IS NULL`, `${sqlString(`${name}: not a whole number: `)} || ${show(r)}`, shaped);
    this.add(`${t} NOT BETWEEN ${min} AND ${max}`, `${sqlString(`${name}: `)} || ${r} || ${sqlString(` out of range ${min}..${max}`)}`);
    return t;
  }

  /** A count (bigint column): a non-negative whole number. */
  count(v: string, name: string): string {
    return this.int(v, name, 0, Number.MAX_SAFE_INTEGER);
  }

  /** A decimal number; returns the trimmed text. */
  num(v: string, name: string): string {
    const r = this.raw(`trim(${v})`);
    const t = this.typed(`TRY_CAST(${r} AS DOUBLE)`);
    this.add(`${t} IS NULL OR NOT isfinite(${t})`, `${sqlString(`${name}: not a number: `)} || ${show(r)}`);
    return r;
  }

  /** A required text field (present and not empty); returns its column. */
  text(v: string, name: string): string {
    const r = this.raw(v);
    this.add(`${r} IS NULL OR ${r} = ''`, sqlString(`${name}: missing`), this.byShape(v, `[^${this.shape?.delimiter === ',' ? ',' : '\\t'}]+`));
    return r;
  }

  /**
   * `YYYY-MM-DD HH:MM:SS[.fff]` (or with a T) → `YYYY-MM-DD HH:MM:SS`, checked to be a real time.
   */
  dateTime(v: string, name: string): string {
    const r = this.raw(v);
    const pattern = '\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])[ T]([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d+)?';
    const shaped = this.byShape(v, pattern);
    const ok = this.typed(shaped ? 'true' : `regexp_matches(${r}, '^${pattern}$')`, `regexp_matches(${r}, '^${pattern}$')`);
    this.add(`NOT coalesce(${ok}, false)`, `${sqlString(`${name}: not a time YYYY-MM-DD HH:MM:SS: `)} || ${show(r)}`, shaped);
    return `(left(${r}, 10) || ' ' || substr(${r}, 12, 8))`;
  }

  /** Epoch seconds (with fraction), checked; returns whole seconds (BIGINT). */
  epochSeconds(v: string, name: string): string {
    const r = this.raw(v);
    return this.seconds(r, this.typed(`TRY_CAST(${r} AS DOUBLE)`), name);
  }

  /** `r` (a raw column) read as the seconds `d` (a DOUBLE column), checked; returns whole seconds (BIGINT). */
  seconds(r: string, d: string, name: string): string {
    this.add(`${d} IS NULL OR NOT (${d} BETWEEN 0 AND ${MAX_SECONDS})`, `${sqlString(`${name}: not a Unix time: `)} || ${show(r)}`);
    return this.typed(`TRY_CAST(floor(${d}) AS BIGINT)`);
  }

  /** True when any check fails: the line's shape (one regex) and the remaining conditions, cheap enough for every line. */
  failed(): string {
    const conds = this.list.filter((c) => !(this.shape && c.byShape)).map((c) => `coalesce(${c.cond}, false)`);
    if (this.shape) {
      const d = this.shape.delimiter === ',' ? ',' : '\\t';
      const fields = Array.from({ length: this.shape.width }, (_, i) => this.patterns.get(i + 1) ?? `[^${d}]*`);
      conds.unshift(`NOT coalesce(regexp_full_match(line, ${sqlString(fields.join(d))}), false)`);
    }
    return conds.length ? conds.join(' OR ') : 'false';
  }

  /** The first failing check's message (a long CASE: computed only for the lines that failed). */
  reason(): string {
    if (!this.list.length) return 'CAST(NULL AS VARCHAR)';
    return `CASE ${this.list.map((c) => `WHEN ${c.cond} THEN ${c.message}`).join(' ')} END`;
  }
}

function named(list: string[], expr: string, prefix: string): string {
  let i = list.indexOf(expr);
  if (i < 0) i = list.push(expr) - 1;
  return `${prefix}${i + 1}`;
}

/** The last Unix time a check accepts (year 3000). */
const MAX_SECONDS = 32503680000;

/**
 * Whole seconds since the epoch → TIMESTAMP; NULL out of the checked range (a rejected line's values
 * are computed too, and must not stop the statement with an overflow).
 */
export function utcTimestamp(seconds: string): string {
  return `make_timestamp(CASE WHEN ${seconds} BETWEEN 0 AND ${MAX_SECONDS} THEN ${seconds} * 1000000 END)`;
}

/** Whole seconds since the epoch → `YYYY-MM-DD HH:MM:SS` (UTC). */
export function utcText(seconds: string): string {
  return `strftime(${utcTimestamp(seconds)}, '%Y-%m-%d %H:%M:%S')`;
}

/** Spot's fulluri: host + path + query, path and query only when longer than one character. */
export function fullUriSql(host: string, path: string, query: string): string {
  return `(${host} || CASE WHEN length(${path}) > 1 THEN ${path} ELSE '' END || CASE WHEN length(${query}) > 1 THEN ${query} ELSE '' END)`;
}

/** The file extension of a URI path, `-` when none (a dot neither first nor last in the last segment). */
export function extensionSql(path: string): string {
  return `coalesce(nullif(regexp_extract(${path}, '[^/]\\.([^./]+)$', 1), ''), '-')`;
}
