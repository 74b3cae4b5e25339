import type { Engine } from '../engine/engine.js';
import { dateParts, rowNumbers, writeHiveDay, type DayOptions } from './hive.js';
import { sqlList } from '../engine/engine.js';
import { choose, ipFromInt, pick, uniform } from './sql-random.js';

export interface ProxyDayOptions extends DayOptions {
  /** The organisation's own domain label: its intranet is intranet.<userDomain>.com. */
  userDomain: string;
  /** How many requests the rare agent posts (high-entropy URIs, at night). */
  beaconRequests: number;
}

/** The user agent seen only in the injected requests. */
export const BEACON_AGENT = 'Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1; .NET CLR 1.1.4322)';
const BEACON_HOST = 'cdn.k9lx-stat.com';
const FIRST_CLIENT = 16;

const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
];
const SERVICES = ['Microsoft-CryptoAPI/10.0', 'Windows-Update-Agent/10.0.10011.16384 Client-Protocol/2.50'];
const UPDATE_HOSTS = ['ctldl.windowsupdate.com', 'download.windowsupdate.com'];
const UPDATE_PATH = '/msdownload/update/v3/static/trustedr/en/disallowedcertstl.cab';
const SITES = [
  'www.google.com', 'www.youtube.com', 'github.com', 'login.microsoftonline.com', 'outlook.office365.com',
  'www.linkedin.com', 'en.wikipedia.org', 'fonts.googleapis.com', 'www.amazon.com', 'stackoverflow.com',
];
const SEARCH_TERMS = ['weather', 'news', 'python+list', 'flight+status', 'excel+formula', 'translate'];
/** [path SQL, content type, method] per kind of request. */
const PAGES: readonly [string, string, string][] = [
  [`'/'`, 'text/html', 'GET'],
  [`'/static/app.' || CAST(${pick('i', 31, 8)} AS VARCHAR) || '.js'`, 'application/javascript', 'GET'],
  [`'/images/' || CAST(${pick('i', 32, 20)} AS VARCHAR) || '.png'`, 'image/png', 'GET'],
  [`'/api/v1/items/' || CAST(${pick('i', 33, 50)} AS VARCHAR)`, 'application/json', 'POST'],
  [`'/search?q=' || ${choose(SEARCH_TERMS, 'i', 34)}`, 'text/html; charset=utf-8', 'GET'],
];

/**
 * Writes a synthetic day of web-proxy logs: clients with their usual browser (and a few system agents)
 * visiting popular sites, the intranet and a long tail of others, with a daily rhythm; plus one ordinary
 * client whose rare agent posts long high-entropy URIs to an unknown host at night.
 */
export async function generateProxyDay(engine: Engine, o: ProxyDayOptions): Promise<string> {
  const { yr, mh, dy } = dateParts(o.date);
  const hostSql = `CASE WHEN u_site < 0.6 THEN ${choose(SITES, 'i', 20)}
    WHEN u_site < 0.75 THEN 'intranet.${o.userDomain}.com'
    ELSE 'www.shop' || CAST(${pick('i', 21, 300)} AS VARCHAR) || '.com' END`;
  const page = `${pick('i', 30, PAGES.length)}`;
  const pageCase = (at: 0 | 1 | 2) => `CASE ${page} ${PAGES.map((p, k) => `WHEN ${k} THEN ${at === 0 ? p[0] : `'${p[at]}'`}`).join(' ')} END`;
  const requests = `
    SELECT i, ${FIRST_CLIENT} + CAST(floor(pow(${uniform('i', 1)}, 2) * ${o.hosts}) AS BIGINT) AS client,
      ${uniform('i', 2)} < 0.1 AS background, ${pick('i', 6, 60)} AS minute, ${pick('i', 7, 60)} AS second,
      ${uniform('i', 8)} AS u_site, ${uniform('i', 10)} AS u_code
    FROM ${await rowNumbers(engine, o.root, o.rows)} t(i)`;
  // People browse in office hours with their usual browser; at any hour, system agents fetch updates.
  const ordinary = `
    SELECT client, hour, minute, second, host, path, resconttype, reqmethod, useragent,
      CASE WHEN background OR u_code < 0.95 THEN '200' ELSE '304' END AS respcode,
      scheme, 80 + ${pick('i', 41, 2000)} AS duration
    FROM (SELECT *,
        CASE WHEN background THEN ${pick('i', 3, 24)} ELSE 8 + ${pick('i', 4, 11)} END AS hour,
        CASE WHEN background THEN ${choose(UPDATE_HOSTS, 'i', 22)} ELSE ${hostSql} END AS host,
        CASE WHEN background THEN '${UPDATE_PATH}' ELSE ${pageCase(0)} END AS path,
        CASE WHEN background THEN 'application/vnd.ms-cab-compressed' ELSE ${pageCase(1)} END AS resconttype,
        CASE WHEN background THEN 'GET' ELSE ${pageCase(2)} END AS reqmethod,
        CASE WHEN background THEN ${choose(SERVICES, 'i', 40)} ELSE ${sqlList(BROWSERS)}[1 + client % ${BROWSERS.length}] END AS useragent,
        CASE WHEN background THEN 'http' ELSE 'https' END AS scheme
      FROM (${requests}))`;
  const beacon = `
    SELECT ${FIRST_CLIENT}, 2 + j % 3, (j * 11) % 60, (j * 17) % 60, '${BEACON_HOST}',
      '/gate.php?' || to_base64(unhex(md5('b' || j) || md5('c' || j) || md5('d' || j) || md5('e' || j) || md5('f' || j) || md5('g' || j))),
      'application/octet-stream', 'POST', '${BEACON_AGENT}', '200', 'http', 300 + j
    FROM range(${o.beaconRequests}) t(j)`;
  return writeHiveDay(engine, 'proxy', o, `
    SELECT '${yr}-${mh}-${dy}' AS p_date, printf('%02d:%02d:%02d', hour, minute, second) AS p_time,
      ${ipFromInt('10.', 'client')} AS clientip, host, reqmethod, useragent, resconttype,
      CAST(duration AS INTEGER) AS duration, '-' AS username,
      CASE WHEN host LIKE '%.${o.userDomain}.com' THEN 'Intranet' ELSE 'Technology/Internet' END AS webcat,
      '-' AS referer, respcode, CASE scheme WHEN 'https' THEN '443' ELSE '80' END AS uriport,
      split_part(path, '?', 1) AS uripath, coalesce(nullif(split_part(path, '?', 2), ''), '-') AS uriquery,
      '198.51.100.' || CAST(hash(host) % 254 + 1 AS VARCHAR) AS serverip,
      CAST(300 + hash(path) % 40000 AS INTEGER) AS scbytes, CAST(200 + hash(host) % 900 AS INTEGER) AS csbytes,
      scheme || '://' || host || path AS fulluri,
      hour AS spot_hour
    FROM (${ordinary} UNION ALL ${beacon})`);
}
