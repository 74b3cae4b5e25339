import { sqlString } from '../../engine/engine.js';
import { NotTheFormat, type Format, type FormatPlan } from '../format.js';
import { Checks, fullUriSql, show } from '../sql/checks.js';
import { planSelect } from '../sql/plan.js';

/** Spot's positions of Bluecoat's default ELFF fields (bcreportermain_v1), in order, each with its proxy column. */
const SPOT_FIELDS: readonly [string, string][] = [
  ['date', 'p_date'], ['time', 'p_time'], ['time-taken', 'duration'], ['c-ip', 'clientip'],
  ['cs-username', 'username'], ['cs-auth-group', 'authgroup'], ['x-exception-id', 'exceptionid'],
  ['sc-filter-result', 'filterresult'], ['cs-categories', 'webcat'], ['cs(Referer)', 'referer'],
  ['sc-status', 'respcode'], ['s-action', 'action'], ['cs-method', 'reqmethod'], ['rs(Content-Type)', 'resconttype'],
  ['cs-uri-scheme', 'urischeme'], ['cs-host', 'host'], ['cs-uri-port', 'uriport'], ['cs-uri-path', 'uripath'],
  ['cs-uri-query', 'uriquery'], ['cs-uri-extension', 'uriextension'], ['cs(User-Agent)', 'useragent'],
  ['s-ip', 'serverip'], ['sc-bytes', 'scbytes'], ['cs-bytes', 'csbytes'], ['x-virus-id', 'virusid'],
  ['x-bluecoat-application-name', 'bcappname'], ['x-bluecoat-application-operation', 'bcappoper'],
];
/** Other names ELFF logs use for the same fields. */
const ALIASES: Record<string, string> = { 'cs(Host)': 'cs-host', 'cs-uri-stem': 'cs-uri-path', 'r-ip': 's-ip', 'c-ip-address': 'c-ip' };
const INT_COLUMNS = new Set(['duration', 'scbytes', 'csbytes']);
/**
 * ELFF fields are separated by spaces or tabs; a field starting with `"` runs to the next `"` (quotes
 * removed), any other to the next space. A line is well formed when it splits this way completely.
 */
const TOKEN = '"[^"]*"|[^ \\t]+';
const WELL_FORMED = '([ \\t]*("[^"]*"|[^ \\t"][^ \\t]*))*[ \\t]*';

/**
 * Bluecoat ELFF access logs. With a `#Fields:` header among the first lines the fields are read by name
 * (fields the header lacks are null); without one, by Spot's positions. As Spot did, only lines starting
 * with a date are events; comment lines (`#Software:`, `#Date:`...) are headers, anything else is rejected.
 * A later `#Fields:` line that differs from the first is rejected (the lines after it are read by the first).
 */
function bluecoatPlan(head: readonly string[]): FormatPlan {
  const firstEvent = head.findIndex((l) => l !== '' && !l.startsWith('#'));
  const fieldsLine = (firstEvent < 0 ? head : head.slice(0, firstEvent)).find((l) => l.startsWith('#Fields:'));
  const names = fieldsLine === undefined ? SPOT_FIELDS.map(([n]) => n) : fieldsLine.slice(8).trim().split(/\s+/).map((n) => ALIASES[n] ?? n);
  const columnOf = new Map(SPOT_FIELDS);
  const at = (column: string) => names.findIndex((n) => columnOf.get(n) === column);
  if (fieldsLine !== undefined && (at('p_date') < 0 || at('p_time') < 0)) throw new NotTheFormat(`#Fields: has no date or time field: ${show(fieldsLine)}`);
  const width = names.length;
  const c = new Checks();
  if (fieldsLine !== undefined) c.add(`starts_with(line, '#Fields:')`, `'a #Fields: header different from the first one (${width} fields); the lines after it are read by the first'`);
  c.add(`NOT regexp_matches(line, '^\\d{4}-\\d\\d-\\d\\d')`, `'does not start with a date YYYY-MM-DD (not an ELFF event line)'`);
  c.add(
    `NOT regexp_full_match(line, ${sqlString(WELL_FORMED)})`,
    `'unterminated quoted field at character ' || (length(line) - strpos(reverse(line), '"') + 1)`,
  );
  c.add(
    fieldsLine === undefined ? `len(t) < ${width}` : `len(t) <> ${width}`,
    `len(t) || ${sqlString(fieldsLine === undefined ? ` fields, Spot's positions need ${width}` : ` fields, the #Fields: header has ${width}`)}`,
  );
  const field = (column: string) => {
    const i = at(column);
    return i < 0 ? undefined : `(CASE WHEN starts_with(t[${i + 1}], '"') THEN t[${i + 1}][2:-2] ELSE t[${i + 1}] END)`;
  };
  const time = field('p_time')!;
  c.add(`NOT regexp_matches(${time}, '^\\d\\d:\\d\\d:\\d\\d')`, `'time: not HH:MM:SS: ' || ${show(time)}`);
  const values: Record<string, string> = {};
  for (const [name, column] of SPOT_FIELDS) {
    const v = field(column);
    if (v === undefined) continue;
    values[column] = INT_COLUMNS.has(column) ? `CASE WHEN ${v} <> '-' THEN ${c.only(`${v} <> '-'`, () => c.int(v, name))} END` : v;
  }
  values.p_time = `left(${time}, 8)`;
  values.fulluri = fullUriSql(values.host ?? `'-'`, values.uripath ? `coalesce(${values.uripath}, '')` : `''`, values.uriquery ? `coalesce(${values.uriquery}, '')` : `''`);
  const skip = fieldsLine === undefined
    ? `line IS NULL OR starts_with(line, '#')`
    : `line IS NULL OR (starts_with(line, '#') AND NOT (starts_with(line, '#Fields:') AND line <> ${sqlString(fieldsLine)}))`;
  return planSelect({ type: 'proxy', split: { t: `regexp_extract_all(line, ${sqlString(TOKEN)})` }, skip, checks: c, values });
}

export const bluecoat: Format = {
  name: 'bluecoat',
  type: 'proxy',
  description: "Bluecoat ELFF access logs (#Fields: header when present, else Spot's field positions)",
  plan: bluecoatPlan,
};
