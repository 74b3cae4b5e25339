import { Reject, SKIP, type LineParser, type Outcome } from '../format.js';
import { show } from '../fields.js';

/** One Zeek log record: a field's value as text, undefined when unset (`-` in TSV, absent in JSON). */
export type ZeekGet = (field: string) => string | undefined;

/**
 * Zeek's log files in either of its writers' forms: the ASCII (TSV) writer with its `#separator`,
 * `#unset_field`, `#empty_field` and `#fields` header lines, or JSON lines (one object a line, fields
 * named as in TSV, e.g. `id.orig_h`; containers as arrays; `ts` as epoch seconds or ISO 8601).
 * `toRow` maps a record, given the field names present, to a row (or FILTERED).
 */
export function zeekParser(logPath: string, required: readonly string[], toRow: (get: ZeekGet) => Outcome): LineParser {
  let separator = '\t';
  let unset = '-';
  let empty = '(empty)';
  let setSeparator = ',';
  let index: Map<string, number> | undefined;
  let json = false;
  let path: string | undefined;
  const checkFields = (names: Iterable<string>) => {
    const have = new Set(names);
    const missing = required.filter((f) => !have.has(f));
    if (missing.length) throw new Reject(`not a Zeek ${logPath}.log: no field ${missing.join(', ')}`);
  };
  return {
    parse(line) {
      if (line === '') return SKIP;
      if (line.charCodeAt(0) === 123 /* { */) {
        let record: Record<string, unknown>;
        try {
          record = JSON.parse(line);
        } catch (err) {
          throw new Reject(`not JSON: ${(err as Error).message}`);
        }
        if (!json) {
          checkFields(Object.keys(record));
          json = true;
        }
        return toRow((field) => jsonText(record[field], setSeparator));
      }
      if (line.charCodeAt(0) === 35 /* # */) {
        const [key, ...rest] = line.split(line.startsWith('#separator') ? ' ' : separator);
        const value = rest.join(separator);
        if (key === '#separator') separator = value.replace(/\\x([0-9a-fA-F]{2})/g, (_m, h) => String.fromCharCode(parseInt(h, 16)));
        else if (key === '#unset_field') unset = value;
        else if (key === '#empty_field') empty = value;
        else if (key === '#set_separator') setSeparator = value;
        else if (key === '#path') path = value;
        else if (key === '#fields') {
          index = new Map(rest.map((n, i) => [n, i]));
          checkFields(index.keys());
        }
        return SKIP;
      }
      if (!index) throw new Reject('a data line before the #fields header (or not a Zeek log)');
      const f = line.split(separator);
      if (f.length !== index.size) throw new Reject(`${f.length} fields, #fields has ${index.size}`);
      return toRow((field) => {
        const i = index!.get(field);
        if (i === undefined) return undefined;
        const v = f[i];
        return v === unset ? undefined : v === empty ? '' : v;
      });
    },
    notTheFormat() {
      if (path !== undefined && path !== logPath) return `its #path is ${show(path)}, not ${logPath}`;
      return index || json ? undefined : `no Zeek #fields header or JSON record was found (expected a Zeek ${logPath}.log)`;
    },
  };
}

function jsonText(v: unknown, setSeparator: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map(String).join(setSeparator);
  return typeof v === 'string' ? v : String(v);
}

/** The first element of a Zeek set or vector field. */
export function first(value: string | undefined, setSeparator = ','): string | undefined {
  if (value === undefined || value === '') return value;
  const i = value.indexOf(setSeparator);
  return i < 0 ? value : value.slice(0, i);
}
