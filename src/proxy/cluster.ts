/**
 * The proxy rules on a ClickHouse cluster (see src/pipeline/cluster-rules.ts), as the embedded rules give
 * them (validity.ts, words.ts). Host and URI parts are computed here once per distinct (host, URI) and
 * joined by the shards; user-agent counts are over the whole day, so they are counted on the shards first
 * and their parts travel in the shards' SQL.
 */
import type { SqlDialect } from '../engine/dialect.js';
import { sqlWord } from '../common/sql-helpers.js';
import type { ClusterRules } from '../pipeline/cluster-rules.js';
import { hourTextSql } from '../dns/cluster.js';
import { PROXY_AGENTS_TABLE, proxyFeatureTables } from './analysis.js';
import { PROXY_WORD_PARTS } from './words.js';

const AGENT_PART = 'spot_agent_part';

export function proxyClusterRules(d: SqlDialect): ClusterRules {
  return {
    clean: ['p_date', 'p_time', 'clientip', 'host', 'fulluri'].map((c) => `isNotNull(${c})`).join(' AND '),
    words: [
      d.concat([
        'spot_host_part', "'_'", hourTextSql(`splitByChar(':', ifNull(p_time, ''))[1]`), "'_'", `ifNull(reqmethod, '-')`, "'_'",
        'spot_uri_entropy_part', "'_'", `splitByChar('/', ifNull(resconttype, '-'))[1]`, "'_'", AGENT_PART, "'_'",
        'spot_uri_length_part', "'_'", `ifNull(respcode, 'unknown_response_code')`,
      ]),
    ],
    integerColumns: [],
    counts: [
      {
        name: AGENT_PART,
        value: `ifNull(useragent, '-')`,
        localTable: PROXY_AGENTS_TABLE,
        localColumns: ['spot_agent', 'spot_agent_count'],
        text: (n) => sqlWord([PROXY_WORD_PARTS.agent(n)]),
      },
    ],
    lookups: [
      {
        columns: ['host', 'fulluri'],
        parts: ['spot_host_part', 'spot_uri_entropy_part', 'spot_uri_length_part'],
        build: async (engine, options, values) => {
          const { hosts, uris } = await proxyFeatureTables(engine, options, { input: values, output: 'spot_cluster_lookup' });
          return `SELECT v.host, v.fulluri, ${[PROXY_WORD_PARTS.hostClass, PROXY_WORD_PARTS.uriEntropy, PROXY_WORD_PARTS.uriLength].map((p) => sqlWord([p])).join(', ')}
            FROM ${values} v JOIN ${hosts} ON spot_host = v.host JOIN ${uris} ON spot_uri = v.fulluri`;
        },
      },
    ],
  };
}
