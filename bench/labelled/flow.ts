/**
 * A labelled day of netflow: workstations and servers with daily rhythms, internet clients of a web
 * server, benign rarity (a software update from a new address, one-off SaaS, CDN churn, a new employee's
 * laptop, internet scanners hitting the perimeter, a night-time backup) and injected attacks, each sparse
 * and concentrated: port scan, exfiltration to a rare external address on an odd port, a C2 beacon at a
 * fixed interval and size, SMB/RDP lateral movement from a workstation.
 */
import { publicIp, workstation, type Rand } from './random.js';

const DNS = `'10.0.0.53'`;
const FILESERVER = `'10.0.0.45'`;
const MAIL = `'10.0.0.25'`;
const WEB = `'10.0.0.80'`;
const DB = `'10.0.0.54'`;
const BACKUP = `'10.0.0.99'`;
const GIT = `'10.0.0.22'`;
const PROXY = `'10.0.0.88'`;

/** Columns: t (second of day), sip, dip, sport, dport, proto, ibyt, ipkt, obyt, tdur, tag, kind, shape. */
export function flowDaySql(r: Rand, rows: number, hosts: number): string {
  const H = hosts;
  const ws = (n: string) => workstation(n);
  const day = (i: string, s: number) => `CASE WHEN ${r.u(i, s)} < 0.85 THEN 8 * 3600 + ${r.int(i, s + 1, 10 * 3600)} ELSE ${r.int(i, s + 2, 86400)} END`;
  const ext = (n: string) => publicIp(n, r.seed);
  const eph = (i: string, s: number) => `49152 + ${r.int(i, s, 16384)}`;
  const lognormal = (i: string, s: number, mu: number, sigma: number) => `CAST(greatest(40, exp(${mu} + ${sigma} * ${r.normal(i, s)})) AS BIGINT)`;
  // Ordinary traffic: k picks the kind of flow.
  const ordinary = `
    SELECT i, u, CAST(floor(pow(${r.u('i', 2)}, 1.8) * ${H}) AS BIGINT) AS host,
      CASE WHEN v < 0.50 THEN 443 WHEN v < 0.62 THEN 80 WHEN v < 0.77 THEN 53 WHEN v < 0.79 THEN 123
        WHEN v < 0.89 THEN 445 WHEN v < 0.93 THEN 993 WHEN v < 0.95 THEN 22 WHEN v < 0.955 THEN 3389 ELSE 8080 END AS svc
    FROM (SELECT i, ${r.u('i', 1)} AS u, ${r.u('i', 17)} AS v FROM range(${rows}) t(i))`;
  const background = `
    SELECT ${day('i', 3)} AS t,
      CASE WHEN u < 0.80 THEN ${ws('host')} WHEN u < 0.92 THEN ${ext(`${r.int('i', 4, 5_000_000)} + 1000000`)}
           WHEN u < 0.95 THEN CASE WHEN ${r.u('i', 5)} < 0.5 THEN ${WEB} ELSE ${BACKUP} END
           WHEN u < 0.97 THEN ${DNS} ELSE ${ext(`${r.int('i', 6, 20000)} + 2000000`)} END AS sip,
      CASE WHEN u < 0.80 THEN CASE svc WHEN 53 THEN ${DNS} WHEN 445 THEN ${FILESERVER} WHEN 993 THEN ${MAIL} WHEN 22 THEN ${GIT}
             WHEN 8080 THEN ${PROXY} WHEN 3389 THEN '10.0.0.' || CAST(100 + ${r.int('i', 7, 20)} AS VARCHAR)
             WHEN 123 THEN ${ext(`${r.int('i', 8, 4)} + 3000000`)}
             ELSE CASE WHEN ${r.u('i', 9)} < 0.03 THEN ${ext(`${r.int('i', 10, 1_000_000_000)} + 5000000`)}
                       ELSE ${ext(`floor(pow(${r.u('i', 11)}, 3) * 3000)`)} END END
           WHEN u < 0.92 THEN ${WEB}
           WHEN u < 0.95 THEN CASE WHEN ${r.u('i', 5)} < 0.5 THEN ${DB} ELSE ${ext('7')} END
           WHEN u < 0.97 THEN ${ext(`${r.int('i', 12, 13)} + 4000000`)} ELSE ${MAIL} END AS dip,
      ${eph('i', 13)} AS sport,
      CASE WHEN u < 0.80 THEN svc WHEN u < 0.92 THEN CASE WHEN ${r.u('i', 14)} < 0.8 THEN 443 ELSE 80 END
           WHEN u < 0.95 THEN CASE WHEN ${r.u('i', 5)} < 0.5 THEN 5432 ELSE 443 END WHEN u < 0.97 THEN 53 ELSE 25 END AS dport,
      CASE WHEN (u < 0.80 AND svc IN (53, 123)) OR (u >= 0.95 AND u < 0.97) THEN 'UDP' ELSE 'TCP' END AS proto,
      CASE WHEN (u < 0.80 AND svc IN (53, 123)) OR (u >= 0.95 AND u < 0.97) THEN ${lognormal('i', 15, 4.4, 0.4)}
           ELSE ${lognormal('i', 16, 8.5, 1.5)} END AS ibyt,
      CAST(NULL AS VARCHAR) AS tag
    FROM (${ordinary})`;
  // Benign rarity.
  const updateHost = ext(`${r.fixed(1, 1000)} + 9000000`);
  const benign = `
    SELECT 10 * 3600 + ${r.int('j', 20, 3600)}, ${ws(`${r.int('j', 21, H)}`)}, ${updateHost}, ${eph('j', 22)}, 443, 'TCP',
      ${lognormal('j', 23, 18, 0.2)}, 'software-update' FROM range(${Math.round(H * 0.4)}) t(j)
    UNION ALL
    SELECT ${day('j', 24)}, ${ws(`${r.int('j', 25, H)}`)}, ${ext(`j + 9100000`)}, ${eph('j', 26)}, 443, 'TCP',
      ${lognormal('j', 27, 9, 1)}, 'one-off-saas' FROM range(25) t(j)
    UNION ALL
    SELECT 13 * 3600 + ${r.int('j', 28, 4 * 3600)}, '10.1.250.7',
      CASE WHEN ${r.u('j', 29)} < 0.6 THEN ${ext(`floor(pow(${r.u('j', 30)}, 3) * 3000)`)} WHEN ${r.u('j', 29)} < 0.8 THEN ${DNS} ELSE ${FILESERVER} END,
      ${eph('j', 31)}, CASE WHEN ${r.u('j', 29)} < 0.6 THEN 443 WHEN ${r.u('j', 29)} < 0.8 THEN 53 ELSE 445 END,
      CASE WHEN ${r.u('j', 29)} BETWEEN 0.6 AND 0.8 THEN 'UDP' ELSE 'TCP' END, ${lognormal('j', 32, 8.5, 1.5)}, 'new-laptop'
    FROM range(150) t(j)
    UNION ALL
    SELECT ${r.int('j', 33, 86400)}, ${ext(`j // 40 + 9200000`)},
      CASE ${r.int('j', 34, 3)} WHEN 0 THEN ${WEB} WHEN 1 THEN ${MAIL} ELSE '10.0.0.81' END,
      ${eph('j', 35)}, 1 + ${r.int('j', 36, 10000)}, 'TCP', 44, 'internet-scanner' FROM range(240) t(j)
    UNION ALL
    SELECT 2 * 3600 + ${r.int('j', 37, 3600)}, '10.0.0.' || CAST(20 + j % 10 AS VARCHAR), ${BACKUP}, ${eph('j', 38)}, 873, 'TCP',
      ${lognormal('j', 39, 19, 0.5)}, 'night-backup' FROM range(10) t(j)`;
  // Attacks: hosts, addresses, ports and sizes fixed by the seed.
  const host = (s: number) => ws(String(50 + r.fixed(s, Math.max(1, H - 100))));
  const victim = (n: string) => ws(`(${r.fixed(60, H)} + ${n} * 7) % ${H}`);
  const oddPort = (s: number) => 1025 + r.fixed(s, 40000);
  const a = (s: number) => ext(String(9_300_000 + r.fixed(s, 100000)));
  const beaconSize = (s: number) => 200 + r.fixed(s, 2000);
  const start = (s: number, span: number) => r.fixed(s, 86400 - span);
  const attacks = `
    SELECT ${start(70, 600)} + j * 30, ${host(71)}, ${victim('j')}, ${eph('j', 40)}, ([22, 445, 3389, 5900, 23])[1 + j % 5], 'TCP', 60, 'port-scan', 'sparse' FROM range(5) t(j)
    UNION ALL
    SELECT ${start(72, 300)} + j // 2, ${host(73)}, '10.0.0.' || CAST(100 + ${r.fixed(74, 20)} AS VARCHAR), ${eph('j', 41)}, 1 + (j * 37 + ${r.fixed(75, 500)}) % 1024, 'TCP', 44, 'port-scan', 'concentrated' FROM range(150) t(j)
    UNION ALL
    SELECT ${start(76, 600)}, ${host(77)}, ${a(78)}, ${eph('j', 42)}, ${oddPort(79)}, 'TCP', ${250_000_000 + r.fixed(80, 100_000_000)}, 'exfiltration', 'sparse' FROM range(1) t(j)
    UNION ALL
    SELECT ${start(81, 4000)} + j * 90, ${host(82)}, ${a(83)}, ${eph('j', 43)}, ${oddPort(84)}, 'TCP', ${20_000_000 + r.fixed(85, 10_000_000)} + ${r.int('j', 44, 100000)}, 'exfiltration', 'concentrated' FROM range(40) t(j)
    UNION ALL
    SELECT ${start(86, 4 * 1800)} + j * 1800, ${host(87)}, ${a(88)}, ${eph('j', 45)}, 443, 'TCP', ${beaconSize(89)}, 'c2-beacon', 'sparse' FROM range(4) t(j)
    UNION ALL
    SELECT ${start(90, 180 * 60)} + j * 60, ${host(91)}, ${a(92)}, ${eph('j', 46)}, ${[443, 8080, 8443][r.fixed(93, 3)]}, 'TCP', ${beaconSize(94)}, 'c2-beacon', 'concentrated' FROM range(180) t(j)
    UNION ALL
    SELECT ${start(95, 600)} + j * 120, ${host(96)}, ${victim('j + 11')}, ${eph('j', 47)}, 445, 'TCP', ${lognormal('j', 48, 11, 0.5)}, 'lateral-movement', 'sparse' FROM range(2) t(j)
    UNION ALL
    SELECT ${start(97, 3600)} + j * 50, ${host(98)}, ${victim('j + 21')}, ${eph('j', 49)}, CASE WHEN j % 3 = 0 THEN 3389 ELSE 445 END, 'TCP', ${lognormal('j', 50, 10, 0.8)}, 'lateral-movement', 'concentrated' FROM range(60) t(j)`;
  return `
    SELECT *, CAST(NULL AS VARCHAR) AS kind, CAST(NULL AS VARCHAR) AS shape FROM (${background})
    UNION ALL SELECT *, NULL, NULL FROM (${benign}) b(t, sip, dip, sport, dport, proto, ibyt, tag)
    UNION ALL SELECT t, sip, dip, sport, dport, proto, ibyt, 'attack', kind, shape FROM (${attacks}) a(t, sip, dip, sport, dport, proto, ibyt, kind, shape)`;
}
