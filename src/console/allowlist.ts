import { readFile, writeFile } from 'node:fs/promises';
import { sqlIdent, sqlString } from '../engine/engine.js';
import type { AnalysisType } from '../pipeline/analysis.js';
import { writeAtomically } from '../output/atomic.js';

/**
 * The allow-list: events it matches are hidden from the table (with a count and a toggle). One entry a
 * line, `#` starts a comment: an IPv4 or IPv6 address, an IPv4 CIDR (`10.1.0.0/16`), a domain name
 * (`example.com`: that name) or a wildcard (`*.example.com`: example.com itself and every name under it).
 */
export type AllowEntry =
  | { kind: 'ip'; text: string }
  | { kind: 'cidr'; text: string; lo: number; hi: number }
  | { kind: 'name'; text: string; name: string; subdomains: boolean };

export interface ParsedAllowlist {
  entries: AllowEntry[];
  problems: { line: number; text: string; problem: string }[];
}

export function ipv4ToNumber(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip.trim());
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] * 256 + parts[1]) * 256 + parts[2]) * 256 + parts[3];
}

export function parseCidr(text: string): { lo: number; hi: number } | undefined {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(text.trim());
  const base = m ? ipv4ToNumber(m[1]) : undefined;
  if (!m || base === undefined || Number(m[2]) > 32) return undefined;
  const size = 2 ** (32 - Number(m[2]));
  const lo = Math.floor(base / size) * size;
  return { lo, hi: lo + size - 1 };
}

export function parseAllowlist(text: string): ParsedAllowlist {
  const entries: AllowEntry[] = [];
  const problems: ParsedAllowlist['problems'] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const t = raw.replace(/#.*$/, '').trim();
    if (!t) return;
    const cidr = parseCidr(t);
    if (cidr) entries.push({ kind: 'cidr', text: t, ...cidr });
    else if (ipv4ToNumber(t) !== undefined || /^[0-9a-f:]+:[0-9a-f:.]*$/i.test(t)) entries.push({ kind: 'ip', text: t });
    else if (/^(\*\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$/i.test(t)) {
      const wild = t.startsWith('*.');
      entries.push({ kind: 'name', text: t, name: (wild ? t.slice(2) : t).replace(/\.$/, '').toLowerCase(), subdomains: wild });
    } else problems.push({ line: i + 1, text: t, problem: 'not an IP address, an IPv4 CIDR, a domain name or *.domain' });
  });
  return { entries, problems };
}

export async function readAllowlist(path: string): Promise<{ text: string; parsed: ParsedAllowlist }> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return { text, parsed: parseAllowlist(text) };
}

export async function writeAllowlist(path: string, text: string): Promise<void> {
  await writeAtomically(path, (tmp) => writeFile(tmp, text.endsWith('\n') || text === '' ? text : `${text}\n`));
}

const IP_COLUMNS: Record<AnalysisType, string[]> = { flow: ['sip', 'dip'], dns: ['ip_dst'], proxy: ['clientip', 'serverip'] };
const NAME_COLUMNS: Record<AnalysisType, string> = {
  flow: '',
  dns: `lower(rtrim(dns_qry_name, '.'))`,
  proxy: `lower(regexp_replace(host, ':\\d+$', ''))`,
};

/** SQL: the allow-list matches a row of a results relation of `type` (false for an empty list). */
export function allowlistPredicate(type: AnalysisType, entries: readonly AllowEntry[]): string {
  const terms: string[] = [];
  const ipCols = IP_COLUMNS[type].map(sqlIdent);
  const ips = entries.filter((e) => e.kind === 'ip').map((e) => sqlString(e.text));
  if (ips.length) terms.push(...ipCols.map((c) => `${c} IN (${ips.join(', ')})`));
  for (const e of entries) {
    if (e.kind === 'cidr') terms.push(...ipCols.map((c) => `spot_console_ip4(${c}) BETWEEN ${e.lo} AND ${e.hi}`));
  }
  const name = NAME_COLUMNS[type];
  if (name) {
    const exact = entries.filter((e): e is Extract<AllowEntry, { kind: 'name' }> => e.kind === 'name');
    if (exact.length) terms.push(`${name} IN (${exact.map((e) => sqlString(e.name)).join(', ')})`);
    for (const e of exact.filter((x) => x.subdomains)) terms.push(`ends_with(${name}, ${sqlString(`.${e.name}`)})`);
  }
  return terms.length ? `coalesce(${terms.join(' OR ')}, false)` : 'false';
}

/** Defines spot_console_ip4(text): an IPv4 address as a number, NULL for anything else. */
export const IP4_MACRO = `CREATE OR REPLACE MACRO spot_console_ip4(x) AS
  CASE WHEN regexp_full_match(x, '\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}') THEN
    TRY_CAST(split_part(x, '.', 1) AS BIGINT) * 16777216 + TRY_CAST(split_part(x, '.', 2) AS BIGINT) * 65536
    + TRY_CAST(split_part(x, '.', 3) AS BIGINT) * 256 + TRY_CAST(split_part(x, '.', 4) AS BIGINT) END`;

/** Whether an IP is in one of the CIDRs (internal ranges of the network view). */
export function inRanges(ip: string, ranges: readonly { lo: number; hi: number }[]): boolean {
  const n = ipv4ToNumber(ip);
  if (n === undefined) return /^(fc|fd|fe80)/i.test(ip);
  return ranges.some((r) => n >= r.lo && n <= r.hi);
}

export const PRIVATE_RANGES = '10.0.0.0/8,172.16.0.0/12,192.168.0.0/16';
