/**
 * Writes a labelled benchmark day in Spot's layout and its labels beside it (outside the data): a Parquet
 * file of the tagged events' keys (result columns that identify an event), their tag ('attack' or a kind of
 * benign rarity), attack kind and shape (sparse or concentrated).
 */
import { join } from 'node:path';
import type { Engine } from '../../src/engine/engine.js';
import { sqlString } from '../../src/engine/engine.js';
import { writeHiveDay } from '../../src/demo/hive.js';
import { dnsDaySql } from './dns.js';
import { flowDaySql } from './flow.js';
import { proxyDaySql } from './proxy.js';
import { rand, workstation } from './random.js';

export type BenchType = 'flow' | 'dns' | 'proxy';
export const DATE = '20160505';
export const USER_DOMAIN = 'acme';

/** Result columns that identify an event of each type (the labels' key). */
export const LABEL_KEYS: Record<BenchType, string[]> = {
  flow: ['treceived', 'sip', 'dip', 'sport', 'dport'],
  dns: ['frame_time', 'ip_dst', 'dns_qry_name'],
  proxy: ['p_time', 'clientip', 'fulluri'],
};

const hms = (t: string) => `CAST(${t} // 3600 AS INTEGER)`;
const minute = (t: string) => `CAST((${t} // 60) % 60 AS INTEGER)`;
const second = (t: string) => `CAST(${t} % 60 AS INTEGER)`;

function rowsSql(type: BenchType, seed: number, rows: number, hosts: number): string {
  const r = rand(seed);
  const date = `'2016-05-05'`;
  if (type === 'flow') {
    return `SELECT printf('2016-05-05 %02d:%02d:%02d', ${hms('t')}, ${minute('t')}, ${second('t')}) AS treceived,
        2016 AS tryear, 5 AS trmonth, 5 AS trday, ${hms('t')} AS trhour, ${minute('t')} AS trminute, ${second('t')} AS trsec,
        CAST(round(exp(${r.normal('hash(sip, dip, sport, t)', 1)}), 3) AS FLOAT) AS tdur, sip, dip,
        CAST(sport AS INTEGER) AS sport, CAST(dport AS INTEGER) AS dport, proto,
        CAST(greatest(1, ibyt // 700) AS BIGINT) AS ipkt, CAST(ibyt AS BIGINT) AS ibyt,
        CAST(CASE WHEN ibyt < 100 THEN 1 ELSE greatest(1, ibyt // 4000) END AS BIGINT) AS opkt,
        CAST(CASE WHEN ibyt < 100 THEN 40 ELSE 200 + hash(sip, dip, sport, t) % 40000 END AS BIGINT) AS obyt,
        tag, kind, shape, ${hms('t')} AS spot_hour
      FROM (${flowDaySql(r, rows, hosts)})`;
  }
  if (type === 'dns') {
    return `SELECT printf('May  5 2016 %02d:%02d:%02d.%09d UTC', ${hms('t')}, ${minute('t')}, ${second('t')}, hash(t, client, name, ${seed}) % 1000000000) AS frame_time,
        CAST(1462406400 + t AS BIGINT) AS unix_tstamp,
        CAST(coalesce(len, 2 * length(name) + 60 + hash(name, qtype) % 140) AS INTEGER) AS frame_len,
        '10.0.0.53' AS ip_src, ${workstation('client')} AS ip_dst, name AS dns_qry_name, '0x00000001' AS dns_qry_class,
        CAST(qtype AS INTEGER) AS dns_qry_type, CAST(rcode AS INTEGER) AS dns_qry_rcode,
        CASE WHEN rcode = 0 AND qtype = 1 THEN '198.51.100.' || CAST(hash(name) % 254 + 1 AS VARCHAR) END AS dns_a,
        tag, kind, shape, ${hms('t')} AS spot_hour
      FROM (${dnsDaySql(r, rows, hosts, USER_DOMAIN)})`;
  }
  return `SELECT ${date} AS p_date, printf('%02d:%02d:%02d', ${hms('t')}, ${minute('t')}, ${second('t')}) AS p_time,
      ${workstation('client')} AS clientip, host, method AS reqmethod, ua AS useragent, ctype AS resconttype,
      CAST(50 + hash(t, client, path) % 3000 AS INTEGER) AS duration, '-' AS username,
      CASE WHEN host LIKE '%.${USER_DOMAIN}.com' THEN 'Intranet' ELSE 'Technology/Internet' END AS webcat, '-' AS referer,
      code AS respcode, '443' AS uriport, path AS uripath, query AS uriquery,
      '198.51.100.' || CAST(hash(host) % 254 + 1 AS VARCHAR) AS serverip, CAST(scbytes AS INTEGER) AS scbytes, CAST(csbytes AS INTEGER) AS csbytes,
      'https://' || host || path || CASE WHEN query = '-' THEN '' ELSE '?' || query END AS fulluri,
      tag, kind, shape, ${hms('t')} AS spot_hour
    FROM (${proxyDaySql(r, rows, hosts, USER_DOMAIN)})`;
}

export interface LabelledDay {
  day: string;
  labels: string;
}

/** Generates the day of `type` for `seed` under `root`/<type>/hive/... and `root`/<type>-labels.parquet. */
export async function writeLabelledDay(engine: Engine, root: string, type: BenchType, seed: number, rows: number, hosts: number): Promise<LabelledDay> {
  await engine.exec(`CREATE OR REPLACE TEMP TABLE bench_day AS ${rowsSql(type, seed, rows, hosts)}`);
  const day = await writeHiveDay(engine, type, { root, rows, hosts, date: DATE }, 'SELECT * EXCLUDE (tag, kind, shape) FROM bench_day');
  const labels = join(root, `${type}-labels.parquet`);
  await engine.exec(`
    COPY (SELECT ${LABEL_KEYS[type].join(', ')}, tag, kind, shape FROM bench_day WHERE tag IS NOT NULL)
    TO ${sqlString(labels)} (FORMAT parquet);
    DROP TABLE bench_day;`);
  return { day, labels };
}
