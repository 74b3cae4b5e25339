/**
 * A labelled day of DNS: clients resolving popular sites, internal names, reverse lookups, a long tail,
 * CDN and telemetry names with hashed labels, typos and search-suffix NXDOMAINs; benign rarity (a
 * software update from a new domain, one-off SaaS, a new employee's laptop); and injected attacks, each
 * sparse and concentrated: tunnelling (long high-entropy subdomains of one domain, TXT or NULL) and a DGA
 * burst of NXDOMAINs.
 */
import { label, type Rand } from './random.js';

const POPULAR = [
  'www.google.com', 'google.com', 'www.youtube.com', 'i.ytimg.com', 'www.facebook.com', 'outlook.office365.com',
  'login.microsoftonline.com', 'www.bing.com', 'github.com', 'api.github.com', 'slack.com', 'zoom.us', 'teams.microsoft.com',
  'ctldl.windowsupdate.com', 'fonts.googleapis.com', 'www.gstatic.com', 's3.amazonaws.com', 'en.wikipedia.org',
  'www.linkedin.com', 'www.amazon.com', 'www.netflix.com', 'clients4.google.com', 'update.googleapis.com', 'www.apple.com',
  'mail.google.com', 'drive.google.com', 'docs.google.com', 'www.salesforce.com', 'cdn.jsdelivr.net', 'ajax.googleapis.com',
];
const INTERNAL = ['mail', 'intranet', 'wiki', 'git', 'fileserver', 'vpn', 'ldap', 'printer', 'jira', 'build'];

/** Columns: t, client, name, qtype, rcode, len, tag, kind, shape. */
export function dnsDaySql(r: Rand, rows: number, hosts: number, userDomain: string): string {
  const H = hosts;
  const day = (i: string, s: number) => `CASE WHEN ${r.u(i, s)} < 0.75 THEN 8 * 3600 + ${r.int(i, s + 1, 10 * 3600)} ELSE ${r.int(i, s + 2, 86400)} END`;
  const client = (i: string, s: number) => `CAST(floor(pow(${r.u(i, s)}, 1.8) * ${H}) AS BIGINT)`;
  const hex = (i: string, s: number, n: number | string) => `substr(md5(CAST(hash(${i}, ${s}, ${r.seed}) AS VARCHAR)) || md5(CAST(hash(${i}, ${s} + 1, ${r.seed}) AS VARCHAR)), 1, ${n})`;
  const background = `
    SELECT ${day('i', 3)} AS t, ${client('i', 2)} AS client,
      CASE WHEN u < 0.50 THEN ${r.choose(POPULAR, 'i', 10)}
           WHEN u < 0.65 THEN ${r.choose(INTERNAL, 'i', 11)} || '.corp.${userDomain}.com'
           WHEN u < 0.72 THEN CAST(1 + ${r.int('i', 12, 254)} AS VARCHAR) || '.' || CAST(${r.int('i', 13, 4)} AS VARCHAR) || '.0.10.in-addr.arpa'
           WHEN u < 0.87 THEN ${r.choose(['www.', 'api.', 'static.', ''], 'i', 14)} || ${label(`floor(pow(${r.u('i', 15)}, 2.5) * 3000)`, 1)} || ${r.choose(['.com', '.net', '.io', '.de'], 'i', 16)}
           WHEN u < 0.91 THEN 'e' || CAST(${r.int('i', 17, 9000)} AS VARCHAR) || '.a.akamaiedge.net'
           WHEN u < 0.93 THEN 'd' || ${hex('i', 18, 13)} || '.cloudfront.net'
           WHEN u < 0.96 THEN ${hex('i', 19, 16)} || '.' || ${hex('i', 20, 8)} || '.sophosxl.net'
           WHEN u < 0.98 THEN ${r.choose(['wpad', 'isatap', '_ldap._tcp.dc'], 'i', 21)} || '.guest.${userDomain}.com'
           ELSE ${r.choose(['gooogle.com', 'yotube.com', 'faceboook.com', 'outlok.com', 'githb.com', 'slak.com'], 'i', 22)} END AS name,
      CASE WHEN u >= 0.65 AND u < 0.72 THEN 12 WHEN u < 0.5 AND ${r.u('i', 23)} < 0.3 THEN 28 WHEN u >= 0.96 AND u < 0.98 AND ${r.u('i', 23)} < 0.3 THEN 33 ELSE 1 END AS qtype,
      CASE WHEN u >= 0.96 THEN 3 WHEN u >= 0.65 AND u < 0.72 AND ${r.u('i', 24)} < 0.2 THEN 3 ELSE 0 END AS rcode,
      CAST(NULL AS INTEGER) AS len, CAST(NULL AS VARCHAR) AS tag
    FROM (SELECT i, ${r.u('i', 1)} AS u FROM range(${rows}) t(i))`;
  const update = `'dl.' || ${label(String(r.fixed(1, 100000) + 50000), 2)} || '-update.com'`;
  const benign = `
    SELECT 10 * 3600 + ${r.int('j', 30, 3600)}, ${r.int('j', 31, H)}, ${update}, 1, 0, NULL, 'software-update' FROM range(${Math.round(H * 0.6)}) t(j)
    UNION ALL
    SELECT ${day('j', 32)}, ${r.int('j', 33, H)}, 'app.' || ${label(`j + 900000`, 3)} || '.com', 1, 0, NULL, 'one-off-saas' FROM range(25) t(j)
    UNION ALL
    SELECT 13 * 3600 + ${r.int('j', 34, 4 * 3600)}, ${H + 3},
      CASE WHEN ${r.u('j', 35)} < 0.6 THEN ${r.choose(POPULAR, 'j', 36)} ELSE ${r.choose(INTERNAL, 'j', 37)} || '.corp.${userDomain}.com' END,
      1, 0, NULL, 'new-laptop' FROM range(150) t(j)`;
  const host = (s: number) => String(50 + r.fixed(s, Math.max(1, H - 100)));
  const start = (s: number, span: number) => r.fixed(s, 86400 - span);
  const tunnelDomain = (s: number) => `${label(String(r.fixed(s, 100000) + 200000), 4)} || '.' || ${r.choose(['com', 'net', 'info'], String(r.fixed(s + 1, 1000)), 5)}`;
  const dga = (j: string, s: number) => `${r.choose(['b', 'c', 'd', 'f', 'g', 'h', 'k', 'm', 'p', 'q', 'x', 'z'], j, s)} || translate(${hex(j, s + 1, `12 + ${r.int(j, s + 2, 6)}`)}, '0123456789', 'jklmnrstvw') || ${r.choose(['.com', '.net', '.org', '.biz'], j, s + 3)}`;
  const attacks = `
    SELECT ${start(70, 900)} + j * 300, ${host(71)}, ${hex('j', 72, 40)} || '.' || ${hex('j', 73, 20)} || '.' || ${tunnelDomain(74)}, 16, 0, 300 + ${r.int('j', 75, 200)}, 'dns-tunnel', 'sparse' FROM range(3) t(j)
    UNION ALL
    SELECT ${start(76, 7200)} + j * 24, ${host(77)}, ${hex('j', 78, `40 + ${r.int('j', 79, 20)}`)} || '.' || ${hex('j', 80, 25)} || '.' || ${tunnelDomain(81)},
      CASE WHEN j % 4 = 0 THEN 10 ELSE 16 END, 0, 300 + ${r.int('j', 82, 200)}, 'dns-tunnel', 'concentrated' FROM range(300) t(j)
    UNION ALL
    SELECT ${start(83, 600)} + j * 200, ${host(84)}, ${dga('j', 85)}, 1, 3, NULL, 'dga', 'sparse' FROM range(3) t(j)
    UNION ALL
    SELECT ${start(90, 200)} + j, ${host(91)}, ${dga('j', 92)}, 1, 3, NULL, 'dga', 'concentrated' FROM range(150) t(j)`;
  return `
    SELECT *, CAST(NULL AS VARCHAR) AS kind, CAST(NULL AS VARCHAR) AS shape FROM (${background})
    UNION ALL SELECT *, NULL, NULL FROM (${benign}) b(t, client, name, qtype, rcode, len, tag)
    UNION ALL SELECT t, client, name, qtype, rcode, len, 'attack', kind, shape FROM (${attacks}) a(t, client, name, qtype, rcode, len, kind, shape)`;
}

