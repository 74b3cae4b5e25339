import type { IngestType } from './format.js';

/** A column of Spot's table for a type, with the type Spot's Hive definition gives it. */
export interface TableColumn {
  name: string;
  sql: 'VARCHAR' | 'INTEGER' | 'BIGINT' | 'FLOAT';
}

const cols = (sql: TableColumn['sql'], names: string): TableColumn[] => names.split(' ').map((name) => ({ name, sql }));

/**
 * How a type's rows travel: the formats' SQL gives the `staging` fields (validated), and `select`
 * turns them into Spot's columns (in Spot's order, with Spot's types), `partition` into the y, m, d, h
 * partition (zero-padded text). Both are also computed for lines that are not written (the single pass
 * writes those to a scratch partition): `select` uses TRY_CAST (the same values for the lines written,
 * which passed the checks), and `hour`, when given, is an expression computed once as `hr` (NULL for
 * the lines not written: it could fail on them) that `partition` reads.
 */
export interface IngestTable {
  columns: readonly TableColumn[];
  staging: readonly string[];
  select: string;
  hour?: string;
  partition: { y: string; m: string; d: string; h: string };
}

const castAll = (columns: readonly TableColumn[], computed: Record<string, string> = {}) =>
  columns.map((c) => `${computed[c.name] ?? `TRY_CAST(${c.name} AS ${c.sql})`} AS ${c.name}`).join(', ');

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
const part = (from: number, len: number) => `TRY_CAST(substr(treceived, ${from}, ${len}) AS INTEGER)`;

const flow: IngestTable = {
  columns: flowColumns,
  staging: flowColumns.filter((c) => !['unix_tstamp', 'tryear', 'trmonth', 'trday', 'trhour', 'trminute', 'trsec'].includes(c.name)).map((c) => c.name),
  select: castAll(flowColumns, {
      unix_tstamp: 'TRY_CAST(epoch(TRY_CAST(treceived AS TIMESTAMP)) AS BIGINT)',
      tryear: part(1, 4),
      trmonth: part(6, 2),
      trday: part(9, 2),
      trhour: part(12, 2),
      trminute: part(15, 2),
      trsec: part(18, 2),
    }),
  partition: { y: 'substr(treceived, 1, 4)', m: 'substr(treceived, 6, 2)', d: 'substr(treceived, 9, 2)', h: 'substr(treceived, 12, 2)' },
};

const dnsColumns: TableColumn[] = [
  ...cols('VARCHAR', 'frame_time'),
  ...cols('BIGINT', 'unix_tstamp'),
  ...cols('INTEGER', 'frame_len'),
  ...cols('VARCHAR', 'ip_dst ip_src dns_qry_name dns_qry_class'),
  ...cols('INTEGER', 'dns_qry_type dns_qry_rcode'),
  ...cols('VARCHAR', 'dns_a'),
];

const dns: IngestTable = {
  columns: dnsColumns,
  staging: dnsColumns.map((c) => c.name),
  select: castAll(dnsColumns),
  // One strftime for the four parts.
  hour: `strftime(make_timestamp(CAST(unix_tstamp AS BIGINT) * 1000000), '%Y-%m-%d %H')`,
  partition: { y: 'substr(hr, 1, 4)', m: 'substr(hr, 6, 2)', d: 'substr(hr, 9, 2)', h: 'substr(hr, 12, 2)' },
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
  select: castAll(proxyColumns),
  partition: { y: 'substr(p_date, 1, 4)', m: 'substr(p_date, 6, 2)', d: 'substr(p_date, 9, 2)', h: 'substr(p_time, 1, 2)' },
};

export const TABLES: Record<IngestType, IngestTable> = { flow, dns, proxy };
