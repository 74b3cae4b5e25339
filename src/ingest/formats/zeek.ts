import { sqlString } from '../../engine/engine.js';
import { NotTheFormat, type FormatPlan, type IngestType } from '../format.js';
import { Checks, show } from '../sql/checks.js';
import { planSelect } from '../sql/plan.js';

/** A Zeek record's fields in SQL: a field's value as text (NULL when unset), or a container's first element. */
export interface ZeekFields {
  get(field: string): string;
  first(field: string): string;
  /** Epoch seconds (Zeek's default) or ISO 8601 (JSON::TS_ISO8601) → whole seconds, checked. */
  seconds(field: string): string;
  /** The fraction of a second as written (digits after the dot), or NULL. */
  fraction(field: string): string;
}

export interface ZeekMapping {
  /** Well-formed records that are not events (a DNS query without a response). */
  filtered?: string;
  values: Record<string, string>;
}

interface Header {
  separator: string;
  unset: string;
  empty: string;
  setSeparator: string;
  fields?: string[];
  path?: string;
  json: boolean;
}

/** Reads a Zeek log's header lines (ASCII writer), or sees that its records are JSON lines. */
function readHeader(head: readonly string[], logPath: string): Header {
  const h: Header = { separator: '\t', unset: '-', empty: '(empty)', setSeparator: ',', json: false };
  for (const line of head) {
    if (line === '') continue;
    if (line.startsWith('{')) {
      h.json = h.fields === undefined;
      break;
    }
    if (!line.startsWith('#')) {
      if (h.fields === undefined) throw new NotTheFormat(`a data line before the #fields header: no Zeek #fields header or JSON record was found (expected a Zeek ${logPath}.log)`);
      break;
    }
    const [key, ...rest] = line.split(line.startsWith('#separator') ? ' ' : h.separator);
    const value = rest.join(h.separator);
    if (key === '#separator') h.separator = value.replace(/\\x([0-9a-fA-F]{2})/g, (_m, x) => String.fromCharCode(parseInt(x, 16)));
    else if (key === '#unset_field') h.unset = value;
    else if (key === '#empty_field') h.empty = value;
    else if (key === '#set_separator') h.setSeparator = value;
    else if (key === '#path') h.path = value;
    else if (key === '#fields') h.fields = rest;
  }
  if (h.path !== undefined && h.path !== logPath) throw new NotTheFormat(`its #path is ${show(h.path)}, not ${logPath}`);
  if (!h.fields && !h.json) throw new NotTheFormat(`no Zeek #fields header or JSON record was found (expected a Zeek ${logPath}.log)`);
  return h;
}

/**
 * Zeek's log files in either of its writers' forms: the ASCII (TSV) writer with its `#separator`,
 * `#unset_field`, `#empty_field` and `#fields` header lines (read from the file's first lines; later
 * `#` lines such as `#close` are skipped), or JSON lines (one object a line, fields named as in TSV,
 * e.g. `id.orig_h`; containers as arrays; `ts` as epoch seconds or ISO 8601).
 */
export function zeekPlan(type: IngestType, logPath: string, required: readonly string[], head: readonly string[], map: (z: ZeekFields, c: Checks) => ZeekMapping): FormatPlan {
  const h = readHeader(head, logPath);
  const c = new Checks();
  let split: Record<string, string>;
  let fields: ZeekFields;
  let wellFormed: string;
  const seconds = (ts: string) => {
    const r = c.raw(ts);
    const d = c.typed(`CASE WHEN ${r} LIKE '____-__-__T%' THEN epoch(TRY_CAST(replace(rtrim(${r}, 'Z'), 'T', ' ') AS TIMESTAMP)) ELSE TRY_CAST(${r} AS DOUBLE) END`);
    return c.seconds(r, d, 'ts');
  };
  const fraction = (ts: string) => `nullif(regexp_extract(${ts}, '\\.(\\d+)', 1), '')`;
  if (h.json) {
    // One parse a line: every path the mapping asks for is collected into one json_extract_string call.
    const paths: string[] = [];
    const path = (p: string) => {
      let i = paths.indexOf(p);
      if (i < 0) i = paths.push(p) - 1;
      return `j[${i + 1}]`;
    };
    const key = (field: string) => `$.${JSON.stringify(field)}`;
    fields = {
      get: (f) => path(key(f)),
      first: (f) => `CASE WHEN starts_with(${path(key(f))}, '[') THEN ${path(`${key(f)}[0]`)} ELSE ${path(key(f))} END`,
      seconds: (f) => seconds(path(key(f))),
      fraction: (f) => fraction(path(key(f))),
    };
    c.add(`NOT starts_with(line, '{') OR NOT json_valid(line)`, `'not JSON: not one complete JSON object'`);
    wellFormed = `starts_with(line, '{') AND json_valid(line)`;
    const mapped = map(fields, c);
    split = { j: `CASE WHEN json_valid(line) THEN json_extract_string(line, ${paths.length ? `[${paths.map(sqlString).join(', ')}]` : '[]'}) END` };
    return finish(mapped);
  }
  const names = h.fields!;
  const missing = required.filter((f) => !names.includes(f));
  if (missing.length) throw new NotTheFormat(`not a Zeek ${logPath}.log: no field ${missing.join(', ')}`);
  const raw = (f: string) => `f[${names.indexOf(f) + 1}]`;
  const get = (f: string) =>
    names.includes(f) ? `(CASE ${raw(f)} WHEN ${sqlString(h.unset)} THEN NULL WHEN ${sqlString(h.empty)} THEN '' ELSE ${raw(f)} END)` : 'CAST(NULL AS VARCHAR)';
  fields = {
    get,
    first: (f) => (names.includes(f) ? `CASE WHEN ${get(f)} IS NOT NULL THEN split_part(${get(f)}, ${sqlString(h.setSeparator)}, 1) END` : get(f)),
    seconds: (f) => seconds(get(f)),
    fraction: (f) => fraction(get(f)),
  };
  split = { f: `string_split(line, ${sqlString(h.separator)})` };
  c.add(`len(f) <> ${names.length}`, `len(f) || ${sqlString(` fields, #fields has ${names.length}`)}`);
  wellFormed = `len(f) = ${names.length}`;
  return finish(map(fields, c));

  function finish(mapped: ZeekMapping): FormatPlan {
    return planSelect({
      type,
      split,
      skip: h.json ? 'line IS NULL' : `line IS NULL OR starts_with(line, '#')`,
      filtered: mapped.filtered && `(${wellFormed}) AND (${mapped.filtered})`,
      checks: c,
      values: mapped.values,
    });
  }
}
