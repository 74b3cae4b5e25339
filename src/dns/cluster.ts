/**
 * The DNS rules on a ClickHouse cluster (see src/pipeline/cluster-rules.ts): validity and the word as the
 * embedded rules give them (validity.ts, words.ts). The name's parts of the word are computed here, once
 * per distinct name, and shipped to the shards as a small table they join.
 */
import type { SqlDialect } from '../engine/dialect.js';
import { chString } from '../engine/clickhouse/cluster.js';
import { sqlWord } from '../common/sql-helpers.js';
import type { ClusterRules } from '../pipeline/cluster-rules.js';
import { dnsNameTable } from './analysis.js';
import { dnsNameTailParts } from './words.js';

/** Of tshark's frame_time, the 4th token up to its first `:` (words.ts dnsHourToken). */
const HOUR_TOKEN = String.raw`^\s*\S+\s+\S+\s+\S+\s+([^:\s]*)`;

/** ClickHouse SQL: spot_hour_text (a whole number 0..23 as text, else NULL) of a text. */
export function hourTextSql(text: string): string {
  const digits = `replaceRegexpOne(${text}, '^0+', '')`;
  return `if(match(${text}, '^[0-9]+$') AND length(${digits}) <= 2 AND toUInt32OrZero(${digits}) <= 23, toString(toUInt32OrZero(${digits})), NULL)`;
}

/** ClickHouse SQL, null-safe: the text is present and not one of the placeholders (validity.ts usableText). */
export function usableTextSql(d: SqlDialect, column: string, placeholders: readonly string[]): string {
  return `(isNotNull(${column}) AND ${d.isTrue(`${column} NOT IN (${placeholders.map(chString).join(', ')})`)})`;
}

export function dnsClusterRules(d: SqlDialect): ClusterRules {
  const hour = hourTextSql(`extract(ifNull(frame_time, ''), ${chString(HOUR_TOKEN)})`);
  return {
    clean: [
      usableTextSql(d, 'frame_time', ['', '-']),
      d.nonNegative('unix_tstamp'),
      d.nonNegative('frame_len'),
      usableTextSql(d, 'dns_qry_name', ['', '-', '(empty)']),
      usableTextSql(d, 'ip_dst', ['', '-']),
      `(${usableTextSql(d, 'dns_qry_class', ['', '-'])} OR isNotNull(dns_qry_type) OR ${d.nonNegative('dns_qry_rcode')})`,
    ].join(' AND '),
    words: [
      d.concat([
        'spot_name_head', "'_'", d.intText(d.floorLog2('frame_len')), "'_'", hour, "'_'", 'spot_name_tail', "'_'",
        d.intText('ifNull(dns_qry_type, -1)'), "'_'", d.intText('ifNull(dns_qry_rcode, -1)'),
      ]),
    ],
    integerColumns: ['frame_len', 'dns_qry_type', 'dns_qry_rcode'],
    lookups: [
      {
        columns: ['dns_qry_name'],
        parts: ['spot_name_head', 'spot_name_tail'],
        build: async (engine, options, values) => {
          const names = await dnsNameTable(engine, options, { input: values, output: 'spot_cluster_lookup' });
          return `SELECT spot_qry_name, CAST(spot_domain_class AS VARCHAR), ${sqlWord(dnsNameTailParts())} FROM ${names}`;
        },
      },
    ],
  };
}
