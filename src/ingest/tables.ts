import type { IngestType } from './format.js';

/** A column of Spot's table for a type, with the type Spot's Hive definition gives it. */
export interface TableColumn {
  name: string;
  sql: 'VARCHAR' | 'INTEGER' | 'BIGINT' | 'FLOAT';
}

const cols = (sql: TableColumn['sql'], names: string): TableColumn[] => names.split(' ').map((name) => ({ name, sql }));

/**
 * How a type's rows travel: the formats' SQL gives the `staging` fields (validated), and `select`
 * turns them into Spot's columns (in Spot's order, with Spot's types) plus the y, m, d, h partition.
 */
export interface IngestTable {
  columns: readonly TableColumn[];
  staging: readonly string[];
  /** SQL over the staging relation `s`: Spot's columns in order, then y, m, d, h (zero-padded text). */
  select: string;
}

const castAll = (columns: readonly TableColumn[], computed: Record<string, string> = {}) =>
  columns.map((c) => `${computed[c.name] ?? `CAST(${c.name} AS ${c.sql})`} AS ${c.name}`).join(', ');

const flowColumns: TableColumn[] = [
  ...cols('VARCHAR', 'treceived'),
  ...cols('BIGINT', 'unix_tstamp'),
  ...cols('INTEGER', 'tryear trmonth trday trhour trminute trsec'),
  ...cols('FLOAT', 'tdur'),
  ...cols('VARCHAR', 'sip dip'),
  ...cols('INTEGER', 'sport dport'),
  ...cols('VARCHAR', 'proto flag'),
  ...cols('INTEGER', 'fwd stos'),
  ...cols('BIGINT', 'ipkt ibyt opkt obyt'),
  ...cols('INTEGER', 'input output sas das dtos dir'),
  ...cols('VARCHAR', 'rip'),
];

/** treceived is `YYYY-MM-DD HH:MM:SS` (checked by the parsers): its parts are taken by position. */
const part = (from: number, len: number) => `CAST(substr(treceived, ${from}, ${len}) AS INTEGER)`;

const flow: IngestTable = {
  columns: flowColumns,
  staging: flowColumns.filter((c) => !['unix_tstamp', 'tryear', 'trmonth', 'trday', 'trhour', 'trminute', 'trsec'].includes(c.name)).map((c) => c.name),
  select:
    castAll(flowColumns, {
      unix_tstamp: 'CAST(epoch(CAST(treceived AS TIMESTAMP)) AS BIGINT)',
      tryear: part(1, 4),
      trmonth: part(6, 2),
      trday: part(9, 2),
      trhour: part(12, 2),
      trminute: part(15, 2),
      trsec: part(18, 2),
    }) + `, substr(treceived, 1, 4) AS y, substr(treceived, 6, 2) AS m, substr(treceived, 9, 2) AS d, substr(treceived, 12, 2) AS h`,
};

const dnsColumns: TableColumn[] = [
  ...cols('VARCHAR', 'frame_time'),
  ...cols('BIGINT', 'unix_tstamp'),
  ...cols('INTEGER', 'frame_len'),
  ...cols('VARCHAR', 'ip_dst ip_src dns_qry_name dns_qry_class'),
  ...cols('INTEGER', 'dns_qry_type dns_qry_rcode'),
  ...cols('VARCHAR', 'dns_a'),
];

const hour = `strftime(make_timestamp(CAST(unix_tstamp AS BIGINT) * 1000000), '%Y-%m-%d %H')`;
const dns: IngestTable = {
  columns: dnsColumns,
  staging: dnsColumns.map((c) => c.name),
  select:
    castAll(dnsColumns) +
    // One strftime for the four parts (the engine computes a repeated expression once).
    `, substr(${hour}, 1, 4) AS y, substr(${hour}, 6, 2) AS m, substr(${hour}, 9, 2) AS d, substr(${hour}, 12, 2) AS h`,
};

const proxyColumns: TableColumn[] = [
  ...cols('VARCHAR', 'p_date p_time clientip host reqmethod useragent resconttype'),
  ...cols('INTEGER', 'duration'),
  ...cols('VARCHAR', 'username authgroup exceptionid filterresult webcat referer respcode action urischeme uriport uripath uriquery uriextension serverip'),
  ...cols('INTEGER', 'scbytes csbytes'),
  ...cols('VARCHAR', 'virusid bcappname bcappoper fulluri'),
];

const proxy: IngestTable = {
  columns: proxyColumns,
  staging: proxyColumns.map((c) => c.name),
  select:
    castAll(proxyColumns) +
    `, substr(p_date, 1, 4) AS y, substr(p_date, 6, 2) AS m, substr(p_date, 9, 2) AS d, substr(p_time, 1, 2) AS h`,
};

export const TABLES: Record<IngestType, IngestTable> = { flow, dns, proxy };
