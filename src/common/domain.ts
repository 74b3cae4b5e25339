import { readFileSync } from 'node:fs';

/** Spot's placeholder for "no domain" / "no subdomain" (SPEC §5). */
export const NONE = 'None';

const GENERIC_TLDS = new Set(['com', 'org', 'net', 'int', 'edu', 'gov', 'mil']);

let countryCodes: Set<string> | undefined;

/** Spot's country-code list, shipped in data/country_codes.json. */
export function spotCountryCodes(): Set<string> {
  countryCodes ??= new Set(
    JSON.parse(readFileSync(new URL('../../../data/country_codes.json', import.meta.url), 'utf8')) as string[],
  );
  return countryCodes;
}

/**
 * The JVM's `String.split` with a literal separator: trailing empty pieces are removed, and splitting
 * `""` gives one empty piece (SPEC §4).
 */
export function jvmSplit(s: string, separator: string): string[] {
  if (s === '') return [''];
  const parts = s.split(separator);
  let end = parts.length;
  while (end > 0 && parts[end - 1] === '') end--;
  return parts.slice(0, end);
}

export interface DomainParts {
  /** The registered label (`amazon` of `services.amazon.com.mx`), or `None`. */
  domain: string;
  /** The labels before the domain joined with `.`, or `None`. */
  subdomain: string;
  /** Number of dot-separated parts of the whole name (JVM split). */
  numParts: number;
}

/**
 * Domain and subdomain of a DNS name or host (SPEC §5). The top-level labels are compared without
 * regard to case (DNS names are case-insensitive); the labels returned keep their case.
 */
export function domainParts(name: string): DomainParts {
  const parts = jvmSplit(name, '.');
  const numParts = parts.length;
  const none = { domain: NONE, subdomain: NONE, numParts };
  const lower = (i: number) => parts[i].toLowerCase();
  const cc = spotCountryCodes();
  const isReverse = numParts > 2 && lower(numParts - 1) === 'arpa' && lower(numParts - 2) === 'in-addr';
  if (numParts < 2 || isReverse) return none;
  if (!cc.has(lower(numParts - 1)) && !GENERIC_TLDS.has(lower(numParts - 1))) return none;
  let end = numParts;
  if (cc.has(lower(end - 1))) end--;
  if (end > 0 && GENERIC_TLDS.has(lower(end - 1))) end--;
  if (end === 0) return none;
  return {
    domain: parts[end - 1],
    subdomain: end > 1 ? parts.slice(0, end - 1).join('.') : NONE,
    numParts,
  };
}

/**
 * 2 when the domain is the user's own (a user domain is configured), 1 when it is in the top-domains
 * set, else 0 (SPEC §5). Compared in lower case; `None` is never popular nor the user's.
 */
export function domainClass(domain: string, userDomain: string, topDomains: ReadonlySet<string>): number {
  if (domain === NONE) return 0;
  const d = domain.toLowerCase();
  if (userDomain !== '' && d === userDomain.toLowerCase()) return 2;
  return topDomains.has(d) ? 1 : 0;
}

/** Shannon entropy, base 2, of the UTF-16 code units of `s` (as the JVM counts characters); 0 for "". */
export function entropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= (p * Math.log10(p)) / Math.log10(2);
  }
  return h;
}

/** Spot's entropy cuts, written out as its decimal literals so bin edges compare exactly. */
const ENTROPY_CUTS = [
  0.0, 0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.1, 2.4, 2.7, 3.0, 3.3, 3.6, 3.9, 4.2, 4.5, 4.8, 5.1, 5.4, Infinity,
];

/** `bin(v, cuts)`: index of the first cut with v <= cut (SPEC §4). */
export function bin(v: number, cuts: readonly number[]): number {
  const i = cuts.findIndex((cut) => v <= cut);
  return i < 0 ? cuts.length : i;
}

export const entropyBin = (s: string): number => bin(entropy(s), ENTROPY_CUTS);
