/**
 * The robust profile (profiles.ts) in ClickHouse's SQL, for the shards of a cluster run: per event the
 * host, peer, initiated flag, time, size, bytes out and the categorical features. Host, peer and features
 * are 64-bit hashes (cityHash64) whose equality classes are those of the embedded run's values (its
 * hashes differ, and nothing compares a hash of one engine with one of the other); t, size and outb are
 * the very doubles the embedded run computes. Written for ClickHouse 18.16 and current releases alike.
 */
import { chString } from '../../engine/clickhouse/cluster.js';
import type { SqlDialect } from '../../engine/dialect.js';
import type { AnalysisType } from '../../pipeline/analysis.js';

export interface ClusterProfile {
  host: string;
  peer: string;
  init: string;
  t: string;
  size: string;
  outb: string;
  /** One UInt64 per feature of robustProfile(type).features, in order. */
  features: readonly string[];
  /** The event can be scored (its words can be formed). */
  scorable: string;
}

/** Where the profile reads its values: the event columns, and the SQL of the analysis' (first) word. */
export interface ProfileSource {
  dialect: SqlDialect;
  word: string;
}

const text = (sql: string) => `cityHash64(ifNull(${sql}, ''))`;
const re = (pattern: string) => chString(pattern);

/** internalAddress of profiles.ts. */
const internal = (ip: string) => {
  const v = `ifNull(${ip}, '')`;
  return `(like(${v}, '10.%') OR like(${v}, '192.168.%') OR like(${v}, '127.%') OR like(${v}, '169.254.%')
    OR match(${v}, ${re('^172\\.(1[6-9]|2[0-9]|3[01])\\.')}) OR match(${v}, ${re('^100\\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\\.')})
    OR match(lowerUTF8(${v}), ${re('^(fc|fd|fe80:|::1$)')}))`;
};

/** registeredDomain of profiles.ts (text, never NULL). */
export const registeredDomainSql = (name: string) => {
  const v = `ifNull(${name}, '')`;
  const found = `extract(lowerUTF8(${v}), ${re('([^.]+\\.(?:(?:co|com|net|org|gov|ac|edu|ne|or)\\.[a-z]{2}|[^.]+))\\.?$')})`;
  return `if(match(${v}, ${re('^[0-9.:]+$')}), ${v}, if(${found} = '', lowerUTF8(${v}), ${found}))`;
};

/** DuckDB's split_part(x, sep, i) (1-based; '' past the end) of a text, NULL read as ''. */
const part = (x: string, sep: string, i: number) => `splitByChar(${chString(sep)}, ifNull(${x}, ''))[${i}]`;

/**
 * DuckDB's TRY_CAST(x AS INTEGER) for the forms a clock's field takes: an optionally signed whole number or
 * decimal, with surrounding blanks; decimals round half away from zero, as DuckDB's cast of text does; anything
 * else (hexadecimal, exponents, digit separators) is NULL.
 */
export const tryInteger = (x: string) => {
  const s = `replaceRegexpAll(${x}, ${re('^\\s+|\\s+$')}, '')`;
  const v = `toFloat64OrZero(replaceRegexpOne(${s}, ${re('^\\+')}, ''))`;
  const rounded = `round(${v})`;
  return `if(match(${s}, ${re('^[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)$')}) AND abs(${rounded}) <= 2147483647, toInt64(${rounded}), NULL)`;
};

const double = (sql: string) => `toFloat64(ifNull(${sql}, 0))`;

/** The event columns each type's profile reads (beside the word). */
export const PROFILE_COLUMNS: Record<AnalysisType, readonly string[]> = {
  flow: ['sip', 'dip', 'sport', 'dport', 'proto', 'trhour', 'trminute', 'trsec', 'ibyt', 'obyt'],
  dns: ['ip_dst', 'dns_qry_name', 'unix_tstamp', 'frame_len'],
  proxy: ['clientip', 'host', 'p_time', 'scbytes', 'csbytes', 'reqmethod', 'useragent', 'resconttype', 'respcode'],
};

export function clusterProfile(type: AnalysisType, source: ProfileSource): ClusterProfile {
  const d = source.dialect;
  switch (type) {
    case 'flow': {
      const si = internal('sip');
      const di = internal('dip');
      const hs = `(${si} OR NOT ${di})`;
      return {
        host: text(`if(${hs}, sip, dip)`),
        peer: text(`if(${hs}, dip, sip)`),
        init: `toUInt8(${hs})`,
        t: double('trhour * 3600 + trminute * 60 + trsec'),
        size: double('ibyt'),
        outb: `greatest(0, if(${hs}, ${double('ibyt')}, ${double('obyt')}))`,
        features: [
          `cityHash64(toUInt8(${si}), toUInt8(${di}), toInt64(least(assumeNotNull(sport), assumeNotNull(dport))), ifNull(proto, ''))`,
          `cityHash64(toInt64(ifNull(trhour, -1)))`,
          `cityHash64(${d.ceilLog2('(ifNull(ibyt, 0) + 1)')})`,
        ],
        scorable: 'isNotNull(proto)',
      };
    }
    case 'dns':
      return {
        host: text('ip_dst'),
        peer: `cityHash64(${registeredDomainSql('dns_qry_name')})`,
        init: 'toUInt8(1)',
        t: double('unix_tstamp'),
        size: double('frame_len'),
        outb: `toFloat64(lengthUTF8(ifNull(dns_qry_name, '')))`,
        features: Array.from({ length: 8 }, (_, i) => `cityHash64(${part(source.word, '_', i + 1)})`),
        scorable: `isNotNull(${source.word})`,
      };
    case 'proxy': {
      const clock = (i: number) => tryInteger(part('p_time', ':', i));
      return {
        host: text('clientip'),
        peer: `cityHash64(${registeredDomainSql(`replaceRegexpOne(ifNull(host, ''), ${re(':\\d+$')}, '')`)})`,
        init: 'toUInt8(1)',
        t: double(`3600 * ${clock(1)} + 60 * ${clock(2)} + ${clock(3)}`),
        size: `toFloat64(ifNull(scbytes, 0) + ifNull(csbytes, 0))`,
        outb: `greatest(0, ${double('csbytes')})`,
        features: [
          text(`ifNull(reqmethod, '-')`),
          text('useragent'),
          text(`lowerUTF8(${part('resconttype', ';', 1)})`),
          text(part(source.word, '_', 4)),
          text(part(source.word, '_', 7)),
          text(`ifNull(respcode, '-')`),
          text(part('p_time', ':', 1)),
          `cityHash64(${d.floorLog2('(ifNull(csbytes, 0) + 1)')})`,
          text(part(source.word, '_', 1)),
        ],
        scorable: `isNotNull(${source.word})`,
      };
    }
  }
}
