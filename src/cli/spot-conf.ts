import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SpotError } from '../common/errors.js';

/**
 * Reads a spot.conf as Spot's ml_ops.sh sourced it (SPEC §9): shell-style KEY=value lines, quotes,
 * `#` comments, `${VAR}`/`$VAR` references to earlier keys and to the variables the wrapper set first.
 * Lines that are not assignments (Spark or Kerberos commands, `fi`, ...) are ignored.
 */
export function parseSpotConf(text: string, predefined: Record<string, string>): Record<string, string> {
  const vars: Record<string, string> = { ...predefined };
  const conf: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(raw);
    if (!m) continue;
    const value = shellValue(m[2], (name) => vars[name] ?? process.env[name] ?? '');
    vars[m[1]] = value;
    conf[m[1]] = value;
  }
  return conf;
}

/** One shell word: unquoted, "double" (expanded) and 'single' (literal) parts, up to an unquoted # or space. */
function shellValue(text: string, lookup: (name: string) => string): string {
  let out = '';
  let i = 0;
  const expand = (s: string) =>
    s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, a, b) => lookup(a ?? b));
  while (i < text.length) {
    const c = text[i];
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      const stop = end < 0 ? text.length : end;
      out += text.slice(i + 1, stop);
      i = stop + 1;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      const stop = end < 0 ? text.length : end;
      out += expand(text.slice(i + 1, stop));
      i = stop + 1;
    } else if (c === '#' || c === ' ' || c === '\t' || c === ';') {
      break;
    } else {
      let j = i;
      while (j < text.length && !`'"# \t;`.includes(text[j])) j++;
      out += expand(text.slice(i, j));
      i = j;
    }
  }
  return out;
}

/** The spot.conf to use: --conf, then SPOT_CONF, then ./spot.conf, then /etc/spot.conf. */
export async function loadSpotConf(
  explicit: string | undefined,
  predefined: Record<string, string>,
): Promise<{ path: string; values: Record<string, string> }> {
  const candidates = explicit
    ? [explicit]
    : [process.env.SPOT_CONF, './spot.conf', '/etc/spot.conf'].filter((p): p is string => Boolean(p));
  for (const path of candidates) {
    const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (explicit || err.code !== 'ENOENT') throw new SpotError(`cannot read spot.conf ${path}: ${err.message}`);
      return undefined;
    });
    if (text !== undefined) return { path, values: parseSpotConf(text, predefined) };
  }
  throw new SpotError(`no spot.conf found (looked for --conf, $SPOT_CONF, ./spot.conf, /etc/spot.conf)`);
}

/** spot.conf as read for one day and type (SPEC §9), with HPATH resolved (from HUSER when not set). */
export interface WrapperConf {
  path: string;
  /** A key's value; undefined when unset or empty (= the default). */
  value(key: string): string | undefined;
  /** ${HPATH}: <HUSER>/<type>/scored_results/<YYYYMMDD> unless spot.conf says otherwise. */
  hpath: string;
}

export async function loadWrapperConf(explicit: string | undefined, type: string, date: string): Promise<WrapperConf> {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(date);
  if (!m) throw new SpotError(`the date must be YYYYMMDD, got "${date}"`);
  const conf = await loadSpotConf(explicit, { DSOURCE: type, FDATE: date, YR: m[1], MH: m[2], DY: m[3] });
  const value = (key: string) => (conf.values[key] ?? '').trim() || undefined;
  const huser = value('HUSER');
  const hpath = value('HPATH') ?? (huser ? join(huser, type, 'scored_results', date) : undefined);
  if (!hpath) throw new SpotError(`${conf.path} sets neither HPATH nor HUSER: nowhere to write results`);
  return { path: conf.path, value, hpath };
}

/** Where Spot kept a day's analyst feedback: ${HPATH}/feedback/ml_feedback.csv. */
export function feedbackFileOf(hpath: string): string {
  return join(hpath, 'feedback', 'ml_feedback.csv');
}
