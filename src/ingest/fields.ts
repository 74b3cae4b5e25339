import { Reject } from './format.js';

const INT = /^-?\d{1,18}$/;

/** A whole number within [min, max], as text; `name` names the field in the reject reason. */
export function int(value: string | undefined, name: string, min = 0, max = 2147483647): string {
  if (value === undefined || !INT.test(value)) throw new Reject(`${name}: not a whole number: ${show(value)}`);
  const n = Number(value);
  if (n < min || n > max) throw new Reject(`${name}: ${value} out of range ${min}..${max}`);
  return value;
}

/** A count (bigint column): a non-negative whole number. */
export function count(value: string | undefined, name: string): string {
  return int(value, name, 0, Number.MAX_SAFE_INTEGER);
}

/** A decimal number. */
export function num(value: string | undefined, name: string): string {
  const v = value?.trim();
  if (!v || !Number.isFinite(Number(v))) throw new Reject(`${name}: not a number: ${show(value)}`);
  return v;
}

/** A required text field (present and not empty). */
export function text(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new Reject(`${name}: missing`);
  return value;
}

export function show(value: string | undefined): string {
  return value === undefined ? '(missing)' : JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

const DATE_TIME = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.\d+)?$/;

/** `YYYY-MM-DD HH:MM:SS[.fff]` → `YYYY-MM-DD HH:MM:SS`, checked to be a real time. */
export function dateTime(value: string | undefined, name: string): string {
  const m = value === undefined ? null : DATE_TIME.exec(value);
  if (!m || +m[2] < 1 || +m[2] > 12 || +m[3] < 1 || +m[3] > 31 || +m[4] > 23 || +m[5] > 59 || +m[6] > 59) {
    throw new Reject(`${name}: not a time YYYY-MM-DD HH:MM:SS: ${show(value)}`);
  }
  return `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}`;
}

/** Epoch seconds (with fraction) → milliseconds, checked. */
export function epochMillis(value: string | undefined, name: string): number {
  const n = value === undefined || value === '' ? NaN : Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 32503680000) throw new Reject(`${name}: not a Unix time: ${show(value)}`);
  return Math.floor(n * 1000);
}

let lastSecond = NaN;
let lastText = '';

/** Milliseconds since the epoch → `YYYY-MM-DD HH:MM:SS` in UTC (logs are in time order: the last second is reused). */
export function utcDateTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    const iso = new Date(second * 1000).toISOString();
    lastSecond = second;
    lastText = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  }
  return lastText;
}

/** An ISO-8601 UTC time (Zeek's JSON ts with ISO timestamps) or epoch seconds → milliseconds. */
export function zeekTime(value: unknown, name: string): number {
  if (typeof value === 'number') return epochMillis(String(value), name);
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)) {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return ms;
  }
  return epochMillis(typeof value === 'string' ? value : undefined, name);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** tshark's frame.time, as Spot stored it (the comma dropped): `May  5 2016 10:15:01.010000000 UTC`. */
export function tsharkFrameTime(ms: number, nanosFraction?: string): string {
  const d = new Date(ms);
  const frac = (nanosFraction ?? String(ms % 1000).padStart(3, '0')).padEnd(9, '0').slice(0, 9);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.getUTCFullYear()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${frac} UTC`;
}

/** DNS class as tshark prints dns.resp.class: `0x0001`. */
export function hexClass(value: string): string {
  return `0x${Number(value).toString(16).padStart(4, '0')}`;
}

/**
 * Splits a request URL into Spot's proxy columns: scheme, host, port, path, query (with its `?`, or `-`)
 * and extension. CONNECT targets (`host:443`) have no scheme or path.
 */
export function splitUrl(url: string): { scheme: string; host: string; port: string; path: string; query: string; extension: string } {
  let rest = url;
  let scheme = '-';
  const s = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(rest);
  if (s) {
    scheme = s[1].toLowerCase();
    rest = rest.slice(s[0].length);
  }
  const slash = rest.search(/[/?]/);
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const target = slash < 0 ? '/' : rest.slice(slash);
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  const pm = /^(.*?)(?::(\d+))?$/.exec(hostPort)!;
  const host = pm[1];
  const port = pm[2] ?? (scheme === 'https' ? '443' : scheme === 'http' ? '80' : scheme === 'ftp' ? '21' : '-');
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q) || '/';
  const query = q < 0 ? '-' : target.slice(q);
  return { scheme, host, port, path, query, extension: extensionOf(path) };
}

/** The file extension of a URI path (Bluecoat's cs-uri-extension), `-` when none. */
export function extensionOf(path: string): string {
  const last = path.slice(path.lastIndexOf('/') + 1);
  const dot = last.lastIndexOf('.');
  return dot > 0 && dot < last.length - 1 ? last.slice(dot + 1) : '-';
}

/** Spot's fulluri: host + path + query, path and query only when longer than one character. */
export function fullUri(host: string, path: string, query: string): string {
  return host + (path.length > 1 ? path : '') + (query.length > 1 ? query : '');
}
