import { Reject, SKIP, type Format, type LineParser } from '../format.js';
import { fullUri, int, show } from '../fields.js';

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
const COLUMN_OF = new Map(SPOT_FIELDS);
/** The proxy columns in staging order, fulluri last (computed). */
const ORDER = [
  'p_date', 'p_time', 'clientip', 'host', 'reqmethod', 'useragent', 'resconttype', 'duration', 'username', 'authgroup',
  'exceptionid', 'filterresult', 'webcat', 'referer', 'respcode', 'action', 'urischeme', 'uriport', 'uripath',
  'uriquery', 'uriextension', 'serverip', 'scbytes', 'csbytes', 'virusid', 'bcappname', 'bcappoper',
];
const INT_COLUMNS = new Set(['duration', 'scbytes', 'csbytes']);
const DATE = /^\d{4}-\d\d-\d\d$/;
const TIME = /^\d\d:\d\d:\d\d/;

/** ELFF fields: split on spaces (tabs count as spaces), a `"quoted field"` kept whole, its quotes removed. */
export function elffFields(line: string): string[] {
  const out: string[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    if (c === 34) {
      const end = line.indexOf('"', i + 1);
      if (end < 0) throw new Reject(`unterminated quoted field at character ${i + 1}`);
      out.push(line.slice(i + 1, end));
      i = end + 1;
    } else {
      let j = i;
      while (j < n && line.charCodeAt(j) !== 32 && line.charCodeAt(j) !== 9) j++;
      out.push(line.slice(i, j));
      i = j;
    }
  }
  return out;
}

/**
 * Bluecoat ELFF access logs. With a `#Fields:` header the fields are read by name (fields the header
 * lacks are null); without one, by Spot's positions. As Spot did, only lines starting with a date are
 * events; other comment lines (`#Software:`, `#Date:`...) are headers, anything else is rejected.
 */
function bluecoatParser(): LineParser {
  /** For each staging column (ORDER), the field's index in a line, or -1 when the log lacks it. */
  let at: number[] = ORDER.map((col) => SPOT_FIELDS.findIndex(([, c]) => c === col));
  let width = SPOT_FIELDS.length;
  let named = false;
  return {
    parse(line) {
      if (line === '') return SKIP;
      if (line.charCodeAt(0) === 35 /* # */) {
        if (line.startsWith('#Fields:')) {
          const names = line.slice(8).trim().split(/\s+/).map((n) => ALIASES[n] ?? n);
          at = ORDER.map((col) => names.findIndex((n) => COLUMN_OF.get(n) === col));
          if (at[0] < 0 || at[1] < 0) throw new Reject(`#Fields: has no date or time field: ${show(line)}`);
          width = names.length;
          named = true;
        }
        return SKIP;
      }
      if (!DATE.test(line.slice(0, 10))) throw new Reject('does not start with a date YYYY-MM-DD (not an ELFF event line)');
      const f = elffFields(line);
      if (named ? f.length !== width : f.length < width) {
        throw new Reject(`${f.length} fields, ${named ? 'the #Fields: header has' : "Spot's positions need"} ${width}`);
      }
      const row = at.map((i) => (i < 0 ? null : f[i]));
      if (!TIME.test(row[1] ?? '')) throw new Reject(`time: not HH:MM:SS: ${show(row[1] ?? undefined)}`);
      row[1] = row[1]!.slice(0, 8);
      for (let k = 0; k < ORDER.length; k++) {
        const v = row[k];
        if (INT_COLUMNS.has(ORDER[k]) && v !== null) row[k] = v === '-' ? null : int(v, SPOT_FIELDS.find(([, c]) => c === ORDER[k])![0]);
      }
      const host = row[3] ?? '-';
      row.push(fullUri(host, row[18] ?? '', row[19] ?? ''));
      return row;
    },
  };
}

export const bluecoat: Format = {
  name: 'bluecoat',
  type: 'proxy',
  description: "Bluecoat ELFF access logs (#Fields: header when present, else Spot's field positions)",
  parser: bluecoatParser,
};
