/**
 * What the robust score needs of an event, per analysis type, as SQL over the featurised relation: the
 * host whose behaviour it is, the peer it deals with (the other address, or the registered domain), whether
 * the host initiated it, its time (seconds), size and bytes sent out by the host, and a few categorical
 * features whose rarity is judged separately ("look inside the word").
 */
import type { AnalysisType } from '../../pipeline/analysis.js';

export interface RobustProfile {
  host: string;
  peer: string;
  /** SQL boolean: the host initiated the event (its peer's novelty is evidence only then). */
  initiated: string;
  time: string;
  size: string;
  outBytes: string;
  /**
   * Name (for tests and docs) and SQL of each categorical feature; `key`, when given, is SQL of a value
   * equal for two events exactly when their `sql` texts are equal, cheaper to compute and group by (else the
   * text is hashed).
   */
  features: readonly { name: string; sql: string; key?: string }[];
  /** SQL boolean: the event's words could be formed (others score -1 and are never reported). */
  scorable: string;
  /** The relation the profile reads: the featurised events (default), or the input when no word part is needed. */
  relation?: 'input_view' | 'featured_view';
  /** Wraps the relation read (columns computed once per row that the expressions above use). */
  source?: (relation: string) => string;
  /**
   * Columns of the relation one of which holds the host's text, when `host` is a choice between them: the
   * reported events' hosts are then found by hashing these before the rest of the row is computed.
   */
  hostColumns?: readonly string[];
  /**
   * SQL of the host's and the peer's 64-bit keys when cheaper than hashing `host` and `peer` (score.ts'
   * textKey): the same values, e.g. chosen between keys the source computed once per address.
   */
  hostKey?: string;
  peerKey?: string;
}

/**
 * SQL: the address is private, loopback, link-local or shared (RFC 1918, 6598, 3927, 4193): one of the
 * organisation's own. A CASE, so that the regular expressions run only on the few addresses whose prefix
 * they decide, and an address that cannot be one (its first character not 1, :, f or F) is decided by the
 * first test (it runs on every flow's two addresses, in each of the robust mode's reads of the day).
 */
export const internalAddress = (ip: string) => `CASE WHEN ${ip} IS NULL THEN NULL
  WHEN NOT (${ip} LIKE '1%' OR ${ip} LIKE ':%' OR ${ip} LIKE 'f%' OR ${ip} LIKE 'F%') THEN false
  WHEN ${ip} LIKE '10.%' OR ${ip} LIKE '192.168.%' OR ${ip} LIKE '127.%' OR ${ip} LIKE '169.254.%' THEN true
  WHEN ${ip} LIKE '172.%' THEN regexp_matches(${ip}, '^172\\.(1[6-9]|2[0-9]|3[01])\\.')
  WHEN ${ip} LIKE '100.%' THEN regexp_matches(${ip}, '^100\\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\\.')
  WHEN ${ip} LIKE ':%' OR ${ip} LIKE 'f%' OR ${ip} LIKE 'F%' THEN regexp_matches(lower(${ip}), '^(fc|fd|fe80:|::1$)')
  ELSE false END`;

/**
 * SQL: the registered domain of a name (`a.b.example.co.uk` → `example.co.uk`), so a CDN's or a service's
 * many host names count as one peer; an address literal is kept whole.
 */
export const registeredDomain = (name: string) => `CASE WHEN regexp_matches(${name}, '^[0-9.:]+$') THEN ${name} ELSE
  coalesce(nullif(regexp_extract(lower(${name}), '([^.]+\\.(?:(?:co|com|net|org|gov|ac|edu|ne|or)\\.[a-z]{2}|[^.]+))\\.?$', 1), ''), lower(${name})) END`;

/** SQL: the 64-bit key of a value's text (the host, the peer and the features of rb_events). */
export const textKey = (sql: string) => `hash(coalesce(CAST(${sql} AS VARCHAR), ''))`;

// rb_si / rb_di: the source / destination address is internal; rb_hs: the host is the source; rb_ks / rb_kd:
// the source's / destination's textKey (all computed once per row by the flow source).
const flowHost = `CASE WHEN rb_hs THEN sip ELSE dip END`;
const flowDirection = `CASE WHEN rb_si THEN (CASE WHEN rb_di THEN 'internal' ELSE 'outbound' END)
  ELSE (CASE WHEN rb_di THEN 'inbound' ELSE 'external' END) END`;
const flowService = `least(sport, dport)`;

/** Features that are the `_`-separated parts of a word column, in order. */
const wordParts = (word: string, names: readonly string[]) => names.map((name, i) => ({ name, sql: `split_part(${word}, '_', ${i + 1})` }));

const profiles: Record<AnalysisType, RobustProfile> = {
  flow: {
    host: flowHost,
    // The host is the source unless only the destination is internal; then the source differs from it.
    peer: `CASE WHEN rb_hs THEN dip ELSE sip END`,
    // textKey of host and peer, from the two addresses' keys (the text chosen, then hashed, is the key chosen).
    hostKey: `CASE WHEN rb_hs THEN rb_ks ELSE rb_kd END`,
    peerKey: `CASE WHEN rb_hs THEN rb_kd ELSE rb_ks END`,
    initiated: 'rb_hs',
    time: 'trhour * 3600 + trminute * 60 + trsec',
    size: 'ibyt',
    outBytes: `CASE WHEN rb_hs THEN ibyt ELSE coalesce(obyt, 0) END`,
    features: [
      // The service is the lower port of the two (the responder's, for almost every protocol), with the direction.
      // Keys: the direction, port and protocol of the text (all three are set on a scorable clean flow).
      { name: 'service', sql: `${flowDirection} || ':' || CAST(${flowService} AS VARCHAR) || '/' || proto`, key: `hash(rb_si, rb_di, ${flowService}, proto)` },
      { name: 'hour', sql: 'CAST(trhour AS VARCHAR)', key: 'trhour' },
      { name: 'bytes', sql: 'CAST(spot_ceil_log2(ibyt + 1) AS VARCHAR)', key: 'spot_ceil_log2(ibyt + 1)' },
    ],
    // A clean flow's words can be formed exactly when it has a protocol (src/flow/words.ts), so the
    // profile reads the input itself and the words are not built for every event.
    scorable: 'proto IS NOT NULL',
    relation: 'input_view',
    hostColumns: ['sip', 'dip'],
    source: (relation) => `(SELECT *, rb_si OR NOT rb_di AS rb_hs FROM
      (SELECT *, ${internalAddress('sip')} AS rb_si, ${internalAddress('dip')} AS rb_di, ${textKey('sip')} AS rb_ks, ${textKey('dip')} AS rb_kd FROM ${relation}))`,
  },
  dns: {
    host: 'ip_dst',
    peer: registeredDomain('dns_qry_name'),
    initiated: 'true',
    time: 'unix_tstamp',
    size: 'frame_len',
    outBytes: 'length(dns_qry_name)',
    // The DNS word's parts (SPEC §5), each judged on its own.
    features: wordParts('spot_word', ['domain class', 'response size', 'hour', 'subdomain length', 'subdomain entropy', 'name parts', 'query type', 'rcode']),
    scorable: 'spot_word IS NOT NULL',
  },
  proxy: {
    host: 'clientip',
    peer: registeredDomain(`regexp_replace(host, ':\\d+$', '')`),
    initiated: 'true',
    // 64-bit: the clock is free text (only its hour is checked, by the word), so its fields may be any size.
    time: `3600 * TRY_CAST(split_part(p_time, ':', 1) AS BIGINT) + 60 * TRY_CAST(split_part(p_time, ':', 2) AS BIGINT) + TRY_CAST(split_part(p_time, ':', 3) AS BIGINT)`,
    size: 'coalesce(scbytes, 0) + coalesce(csbytes, 0)',
    outBytes: 'coalesce(csbytes, 0)',
    features: [
      { name: 'method', sql: `coalesce(reqmethod, '-')` },
      { name: 'user agent', sql: 'useragent' },
      { name: 'content type', sql: `lower(split_part(resconttype, ';', 1))` },
      { name: 'URI entropy', sql: `split_part(spot_word, '_', 4)` },
      { name: 'URI length', sql: `split_part(spot_word, '_', 7)` },
      { name: 'response code', sql: `coalesce(respcode, '-')` },
      { name: 'hour', sql: `split_part(p_time, ':', 1)` },
      { name: 'upload size', sql: 'CAST(spot_floor_log2(coalesce(csbytes, 0) + 1) AS VARCHAR)' },
      { name: 'host class', sql: `split_part(spot_word, '_', 1)` },
    ],
    scorable: 'spot_word IS NOT NULL',
  },
};

export function robustProfile(type: AnalysisType): RobustProfile {
  return profiles[type];
}
