/**
 * A labelled day of web-proxy logs: clients with their usual browser (and system agents) visiting popular
 * sites, the intranet, a long tail and CDNs with hashed asset paths, posting to SaaS APIs and sometimes
 * uploading files to a drive; benign rarity (a software update from a new domain with its own agent,
 * one-off SaaS, a new employee's laptop with a newer browser); and injected attacks, each sparse and
 * concentrated: a C2 beacon with a rare user agent, high-entropy URIs, POSTs to a newly seen domain, a
 * large upload.
 */
import { label, type Rand } from './random.js';

const SITES = [
  'www.google.com', 'www.youtube.com', 'outlook.office365.com', 'login.microsoftonline.com', 'www.bing.com', 'github.com',
  'api.github.com', 'slack.com', 'zoom.us', 'teams.microsoft.com', 'en.wikipedia.org', 'www.linkedin.com', 'www.amazon.com',
  'docs.google.com', 'drive.google.com', 'www.salesforce.com', 'news.ycombinator.com', 'www.bbc.co.uk', 'www.nytimes.com',
  'stackoverflow.com',
];
const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36 Edg/119.0.2151.58',
];
const AGENTS = ['Microsoft-CryptoAPI/10.0', 'Windows-Update-Agent/10.0.10011.16384 Client-Protocol/2.31', 'Slack/4.35.126', 'Zoom/5.16.6'];

/** Columns: t, client, host, method, ua, ctype, path, query, code, scbytes, csbytes, tag, kind, shape. */
export function proxyDaySql(r: Rand, rows: number, hosts: number, userDomain: string): string {
  const H = hosts;
  const day = (i: string, s: number) => `CASE WHEN ${r.u(i, s)} < 0.85 THEN 8 * 3600 + ${r.int(i, s + 1, 10 * 3600)} ELSE ${r.int(i, s + 2, 86400)} END`;
  const hex = (i: string, s: number, n: number | string) => `substr(md5(CAST(hash(${i}, ${s}, ${r.seed}) AS VARCHAR)) || md5(CAST(hash(${i}, ${s} + 1, ${r.seed}) AS VARCHAR)), 1, ${n})`;
  const b64 = (i: string, s: number) => `replace(replace(to_base64(unhex(${hex(i, s, 64)})), '/', '_'), '+', '-')`;
  const lognormal = (i: string, s: number, mu: number, sigma: number) => `CAST(greatest(100, exp(${mu} + ${sigma} * ${r.normal(i, s)})) AS BIGINT)`;
  const browser = (c: string) => `${JSON.stringify(BROWSERS).replaceAll('"', "'")}[1 + ${c} % ${BROWSERS.length}]`;
  const background = `
    SELECT ${day('i', 3)} AS t, client,
      CASE WHEN u < 0.55 THEN ${r.choose(SITES, 'i', 10)} WHEN u < 0.65 THEN 'intranet.${userDomain}.com'
           WHEN u < 0.80 THEN 'www.' || ${label(`floor(pow(${r.u('i', 11)}, 2.5) * 3000)`, 1)} || '.com'
           WHEN u < 0.90 THEN 'd' || ${hex('i', 12, 13)} || '.cloudfront.net'
           ELSE ${r.choose(['ctldl.windowsupdate.com', 'update.googleapis.com', 'edge.microsoft.com'], 'i', 13)} END AS host,
      CASE WHEN u < 0.80 AND v < 0.1 THEN 'POST' ELSE 'GET' END AS method,
      CASE WHEN u >= 0.90 THEN ${r.choose(AGENTS, 'i', 14)} ELSE ${browser('client')} END AS ua,
      CASE WHEN u >= 0.80 AND u < 0.90 THEN 'application/javascript' WHEN u >= 0.90 THEN 'application/octet-stream'
           WHEN v < 0.1 THEN 'application/json' WHEN v < 0.4 THEN 'text/html' WHEN v < 0.7 THEN 'image/png' ELSE 'application/javascript' END AS ctype,
      CASE WHEN u >= 0.80 AND u < 0.90 THEN '/assets/' || ${hex('i', 15, 32)} || '.js'
           WHEN u >= 0.90 THEN '/msdownload/update/v3/static/trustedr/en/' || ${r.choose(['authrootstl.cab', 'disallowedcertstl.cab', 'pinrulesstl.cab'], 'i', 16)}
           WHEN v < 0.1 THEN '/api/v1/items/' || CAST(${r.int('i', 17, 500)} AS VARCHAR)
           WHEN v < 0.4 THEN ${r.choose(['/', '/index.html', '/news', '/about', '/search'], 'i', 18)}
           WHEN v < 0.7 THEN '/images/' || CAST(${r.int('i', 19, 200)} AS VARCHAR) || '.png'
           ELSE '/static/app.' || CAST(${r.int('i', 20, 30)} AS VARCHAR) || '.js' END AS path,
      CASE WHEN u < 0.80 AND v >= 0.1 AND v < 0.4 AND ${r.u('i', 21)} < 0.3 THEN 'q=' || ${r.choose(['weather', 'news', 'python+list', 'flight+status', 'excel+formula'], 'i', 22)} ELSE '-' END AS query,
      CASE WHEN ${r.u('i', 23)} < 0.9 THEN '200' WHEN ${r.u('i', 23)} < 0.97 THEN '304' ELSE '404' END AS code,
      ${lognormal('i', 24, 9, 1.5)} AS scbytes,
      CASE WHEN u < 0.8 AND v < 0.1 THEN ${lognormal('i', 25, 8, 1)} WHEN u < 0.8 AND v < 0.101 THEN ${lognormal('i', 26, 16, 1)} ELSE ${lognormal('i', 27, 6, 0.5)} END AS csbytes,
      CAST(NULL AS VARCHAR) AS tag
    FROM (SELECT i, ${r.u('i', 1)} AS u, ${r.u('i', 2)} AS v, CAST(floor(pow(${r.u('i', 4)}, 1.8) * ${H}) AS BIGINT) AS client FROM range(${rows}) t(i))`;
  const updateHost = `'download.' || ${label(String(r.fixed(1, 100000) + 50000), 2)} || '.com'`;
  const benign = `
    SELECT 10 * 3600 + ${r.int('j', 30, 3600)}, ${r.int('j', 31, H)}, ${updateHost}, 'GET', 'VendorUpdater/3.2.1 (Windows)', 'application/x-msdownload',
      '/releases/3.2.1/setup-x64.msi', '-', '200', ${lognormal('j', 32, 18, 0.1)}, 400, 'software-update' FROM range(${Math.round(H * 0.5)}) t(j)
    UNION ALL
    SELECT ${day('j', 33)}, ${r.int('j', 34, H)}, 'app.' || ${label('j + 900000', 3)} || '.com', 'GET', ${browser(r.int('j', 34, H))}, 'text/html',
      '/', '-', '200', ${lognormal('j', 35, 10, 1)}, 500, 'one-off-saas' FROM range(25) t(j)
    UNION ALL
    SELECT 13 * 3600 + ${r.int('j', 36, 4 * 3600)}, ${H + 3}, ${r.choose(SITES, 'j', 37)}, 'GET',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36', 'text/html',
      ${r.choose(['/', '/index.html', '/news'], 'j', 38)}, '-', '200', ${lognormal('j', 39, 9, 1.5)}, 500, 'new-laptop' FROM range(150) t(j)`;
  const host = (s: number) => String(50 + r.fixed(s, Math.max(1, H - 100)));
  const start = (s: number, span: number) => r.fixed(s, 86400 - span);
  const rare = (s: number) => `${r.choose(['cdn-', 'api-', 'static-', 'img-', ''], String(r.fixed(s, 1000)), s)} || ${label(String(r.fixed(s + 1, 100000) + 300000), 6)} || ${r.choose(['.com', '.net', '.xyz', '.top'], String(r.fixed(s + 2, 1000)), s + 2)}`;
  const rareAgent = (s: number) => `'Mozilla/4.0 (compatible; MSIE ' || CAST(${6 + r.fixed(s, 3)} AS VARCHAR) || '.0; Windows NT 5.1; ' || ${hex(String(r.fixed(s + 1, 1000)), s, 6)} || ')'`;
  const attacks = `
    SELECT ${start(70, 900)} + j * 300, ${host(71)}, ${rare(72)}, 'GET', ${rareAgent(75)}, 'text/html', '/news.php', '-', '200', 512, 300, 'c2-beacon', 'sparse' FROM range(3) t(j)
    UNION ALL
    SELECT ${start(76, 24000)} + j * 120, ${host(77)}, ${rare(78)}, 'GET', ${rareAgent(81)}, 'text/html', '/index.php', '-', '200', 2048, 350, 'c2-beacon', 'concentrated' FROM range(200) t(j)
    UNION ALL
    SELECT ${start(82, 600)} + j * 200, ${host(83)}, ${rare(84)}, 'GET', ${browser(host(83))}, 'application/octet-stream', '/' || ${b64('j', 87)}, '-', '200', ${lognormal('j', 88, 8, 1)}, 400, 'high-entropy-uri', 'sparse' FROM range(2) t(j)
    UNION ALL
    SELECT ${start(89, 4000)} + j * 37, ${host(90)}, ${rare(91)}, 'GET', ${browser(host(90))}, 'application/octet-stream', '/' || ${b64('j', 94)}, 'id=' || ${hex('j', 95, 24)}, '200', ${lognormal('j', 96, 8, 1)}, 500, 'high-entropy-uri', 'concentrated' FROM range(100) t(j)
    UNION ALL
    SELECT ${start(97, 600)} + j * 100, ${host(98)}, ${rare(99)}, 'POST', ${browser(host(98))}, 'application/json', '/api/submit', '-', '200', 300, ${lognormal('j', 102, 9, 0.5)}, 'post-new-domain', 'sparse' FROM range(2) t(j)
    UNION ALL
    SELECT ${start(103, 8000)} + j * 97, ${host(104)}, ${rare(105)}, 'POST', ${browser(host(104))}, 'application/json', '/api/v2/report', '-', '200', 300, ${lognormal('j', 108, 9, 0.5)}, 'post-new-domain', 'concentrated' FROM range(80) t(j)
    UNION ALL
    SELECT ${start(109, 600)}, ${host(110)}, ${rare(111)}, 'POST', ${browser(host(110))}, 'application/octet-stream', '/upload', '-', '200', 500, ${300_000_000 + r.fixed(114, 100_000_000)}, 'large-upload', 'sparse' FROM range(1) t(j)
    UNION ALL
    SELECT ${start(115, 3000)} + j * 90, ${host(116)}, ${rare(117)}, 'POST', ${browser(host(116))}, 'application/octet-stream', '/upload/part', '-', '200', 500, ${lognormal('j', 120, 16.5, 0.2)}, 'large-upload', 'concentrated' FROM range(30) t(j)`;
  return `
    SELECT *, CAST(NULL AS VARCHAR) AS kind, CAST(NULL AS VARCHAR) AS shape FROM (${background})
    UNION ALL SELECT *, NULL, NULL FROM (${benign}) b(t, client, host, method, ua, ctype, path, query, code, scbytes, csbytes, tag)
    UNION ALL SELECT t, client, host, method, ua, ctype, path, query, code, scbytes, csbytes, 'attack', kind, shape
      FROM (${attacks}) a(t, client, host, method, ua, ctype, path, query, code, scbytes, csbytes, kind, shape)`;
}
