import { Option } from 'commander';
import { SpotError } from '../common/errors.js';
import { DEFAULT_CLUSTER, DEFAULT_DATABASE, DEFAULT_TIMEOUT_SECONDS, PASSWORD_ENV } from '../engine/clickhouse/cluster.js';
import { parseNumber } from './options.js';

/** The analysis flags that choose the engine and reach a ClickHouse cluster (`--engine clickhouse`). */
export interface ClusterFlags {
  /** duckdb (absent: duckdb) or clickhouse. */
  engine?: string;
  date?: string;
  clickhouseUrl?: string;
  clickhouseDatabase?: string;
  clickhouseCluster?: string;
  clickhouseTimeout?: number;
}

export function clusterOptions(): Option[] {
  return [
    new Option('--engine <name>', 'duckdb: the embedded engine reads --input; clickhouse: the day of a ClickHouse cluster (README)').choices(['duckdb', 'clickhouse']).default('duckdb'),
    new Option('--date <YYYYMMDD>', 'with --engine clickhouse: the day to analyse (default: none; the YYYYMMDD of the wrapper form)'),
    new Option('--clickhouse-url <urls>', `with --engine clickhouse: HTTP URL of each server, one per shard, comma-separated (password from ${PASSWORD_ENV}) (default: none)`),
    new Option('--clickhouse-database <name>', 'database of the cluster tables').default(DEFAULT_DATABASE),
    new Option('--clickhouse-cluster <name>', "cluster name in the servers' remote_servers configuration").default(DEFAULT_CLUSTER),
    new Option('--clickhouse-timeout <seconds>', 'give up on a server (or a shard behind it) silent for this long')
      .default(DEFAULT_TIMEOUT_SECONDS)
      .argParser(parseNumber('--clickhouse-timeout', { exclusiveMin: 0 })),
  ];
}

/** The settings the cluster flags add (flag > spot.conf > default), recorded only when the engine is clickhouse. */
export const CLUSTER_SETTINGS = [
  { name: 'engine', key: 'engine', conf: 'ENGINE' },
  { name: 'date', key: 'date' },
  { name: 'clickhouse-url', key: 'clickhouseUrl', conf: 'CLICKHOUSE_URL' },
  { name: 'clickhouse-database', key: 'clickhouseDatabase', conf: 'CLICKHOUSE_DATABASE' },
  { name: 'clickhouse-cluster', key: 'clickhouseCluster', conf: 'CLICKHOUSE_CLUSTER' },
  { name: 'clickhouse-timeout', key: 'clickhouseTimeout', numeric: true },
] as const;

/** Checks the cluster settings before anything is printed or read (a password in a URL would be printed). */
export function checkClusterSettings(f: Partial<ClusterFlags>, label: (name: string) => string): void {
  if (f.engine !== undefined && f.engine !== 'duckdb' && f.engine !== 'clickhouse') throw new SpotError(`${label('engine')} must be duckdb or clickhouse, got "${f.engine}"`);
  if (f.engine !== 'clickhouse') return;
  if (!f.clickhouseUrl) throw new SpotError('--engine clickhouse needs --clickhouse-url (or CLICKHOUSE_URL in spot.conf): the HTTP URL of each server');
  if (/\/\/[^/@]*:[^/@]*@/.test(f.clickhouseUrl)) {
    throw new SpotError(`${label('clickhouse-url')}: do not put the password in the URL (it would show in process lists and logs); set ${PASSWORD_ENV}`);
  }
  if (!f.date) throw new SpotError('--engine clickhouse needs --date YYYYMMDD (or the wrapper form spot-ml YYYYMMDD TYPE)');
  isoDay(f.date);
}

/** YYYYMMDD → YYYY-MM-DD, refusing what is not a calendar day. */
export function isoDay(date: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(date);
  const iso = m ? `${m[1]}-${m[2]}-${m[3]}` : '';
  const parsed = new Date(`${iso}T00:00:00Z`);
  if (!m || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== iso || +m[1] < 1970 || +m[1] > 2105) {
    throw new SpotError(`--date expects a day as YYYYMMDD (1970 to 2105), got "${date}"`);
  }
  return iso;
}
