import type { Engine } from '../engine/engine.js';
import { dateParts, rowNumbers, writeHiveDay, type DayOptions } from './hive.js';
import { choose, ipFromInt, pick, rhythmicHour, uniform } from './sql-random.js';

export interface DnsDayOptions extends DayOptions {
  /** The organisation's own domain label: internal names are <host>.corp.<userDomain>.com. */
  userDomain: string;
  /** How many tunnelling queries the one misbehaving client makes at night. */
  tunnelQueries: number;
}

/** The unknown domain the tunnelling client queries (its names end with this). */
export const TUNNEL_DOMAIN = 'qzv-sync.com';
/** Host number of the client that tunnels (it also has ordinary traffic). */
const TUNNEL_CLIENT = 16;
const FIRST_CLIENT = 16;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const POPULAR = [
  'www.google.com', 'google.com', 'www.youtube.com', 'i.ytimg.com', 'www.facebook.com', 'outlook.office365.com',
  'login.microsoftonline.com', 'www.bing.com', 'github.com', 'api.github.com', 'slack.com', 'zoom.us',
  'ctldl.windowsupdate.com', 'fonts.googleapis.com', 'www.gstatic.com', 's3.amazonaws.com', 'en.wikipedia.org',
  'www.linkedin.com', 'www.amazon.com', 'www.netflix.com',
];
const INTERNAL_SERVICES = ['mail', 'intranet', 'wiki', 'git', 'fileserver', 'vpn', 'ldap', 'printer'];
const TAIL_PREFIXES = ['www.', 'static.', 'api.', ''];
const TAIL_SUFFIXES = ['.com', '.net', '.org', '.de', '.com.br'];
const TYPOS = ['gooogle.com', 'yotube.com', 'faceboook.com', 'outlok.com', 'githb.com'];

const hostIp = (n: string) => ipFromInt('10.', n);

/** SQL: tshark's frame_time, e.g. `May  5 2016 11:32:45.543421000 UTC`. */
function frameTime(date: string, hour: string, minute: string, second: string, nanos: string): string {
  const { yr, mh, dy } = dateParts(date);
  return `printf('%s %2d %s %02d:%02d:%02d.%09d UTC', '${MONTHS[+mh - 1]}', ${+dy}, '${yr}', ${hour}, ${minute}, ${second}, ${nanos})`;
}

/**
 * Writes a synthetic day of DNS responses (as Spot's ingest stores them, the client in `ip_dst`):
 * clients of uneven activity with a daily rhythm resolving popular sites, internal names under the
 * user domain, reverse lookups, a long tail of other sites and some NXDOMAIN typos; and one ordinary
 * client that also tunnels data out in long random-subdomain TXT queries to an unknown domain at night.
 */
export async function generateDnsDay(engine: Engine, o: DnsDayOptions): Promise<string> {
  const { yr, mh, dy } = dateParts(o.date);
  const internal = (i: string) => `${choose(INTERNAL_SERVICES, i, 12)} || '.corp.${o.userDomain}.com'`;
  const reverse = (i: string) =>
    `CAST(1 + ${pick(i, 13, 254)} AS VARCHAR) || '.' || CAST(${pick(i, 14, 4)} AS VARCHAR) || '.0.10.in-addr.arpa'`;
  const tail = (i: string) =>
    `${choose(TAIL_PREFIXES, i, 15)} || 'site' || CAST(${pick(i, 16, 400)} AS VARCHAR) || ${choose(TAIL_SUFFIXES, i, 17)}`;
  const ordinary = `
    SELECT i, ${FIRST_CLIENT} + CAST(floor(pow(${uniform('i', 1)}, 2) * ${o.hosts}) AS BIGINT) AS client,
      ${rhythmicHour('i', 3, 0.7)} AS hour, ${pick('i', 6, 60)} AS minute, ${pick('i', 7, 60)} AS second,
      ${pick('i', 8, 1_000_000_000)} AS nanos,
      CASE WHEN u < 0.55 THEN 'popular' WHEN u < 0.72 THEN 'internal' WHEN u < 0.82 THEN 'reverse'
           WHEN u < 0.95 THEN 'tail' ELSE 'nx' END AS kind
    FROM (SELECT i, ${uniform('i', 2)} AS u FROM ${await rowNumbers(engine, o.root, o.rows)} t(i))`;
  const queries = `
    SELECT client, hour, minute, second, nanos,
      CASE kind WHEN 'popular' THEN ${choose(POPULAR, 'i', 10)} WHEN 'internal' THEN ${internal('i')}
        WHEN 'reverse' THEN ${reverse('i')} WHEN 'tail' THEN ${tail('i')} ELSE ${choose(TYPOS, 'i', 11)} END AS name,
      CASE WHEN kind = 'reverse' THEN 12 WHEN kind IN ('popular', 'tail') AND ${uniform('i', 18)} < 0.3 THEN 28 ELSE 1 END AS qtype,
      CASE WHEN kind = 'nx' OR (kind = 'reverse' AND ${uniform('i', 19)} < 0.2) THEN 3 ELSE 0 END AS rcode,
      NULL AS extra
    FROM (${ordinary})
    UNION ALL
    SELECT ${TUNNEL_CLIENT}, 1 + j % 5, (j * 7) % 60, (j * 13) % 60, j * 1000,
      substr(md5('tx' || j) || md5('ty' || j), 1, 30) || '.' || substr(md5('tz' || j), 1, 10 + j % 20) || '.${TUNNEL_DOMAIN}',
      16, 0, 250 + (j * 37) % 200
    FROM range(${o.tunnelQueries}) t(j)`;
  return writeHiveDay(engine, 'dns', o, `
    SELECT ${frameTime(o.date, 'hour', 'minute', 'second', 'nanos')} AS frame_time,
      CAST(epoch(make_timestamp(${+yr}, ${+mh}, ${+dy}, hour, minute, second)) AS BIGINT) AS unix_tstamp,
      CAST(2 * length(name) + coalesce(extra, 60 + hash(name, qtype) % 140) AS INTEGER) AS frame_len,
      '10.0.0.1' AS ip_src, ${hostIp('client')} AS ip_dst,
      name AS dns_qry_name, '0x00000001' AS dns_qry_class,
      CAST(qtype AS INTEGER) AS dns_qry_type, CAST(rcode AS INTEGER) AS dns_qry_rcode,
      CASE WHEN rcode = 0 AND qtype = 1 THEN '198.51.100.' || CAST(hash(name) % 254 + 1 AS VARCHAR) END AS dns_a,
      hour AS spot_hour
    FROM (${queries})`);
}
