import type { Engine } from '../engine/engine.js';
import { dateParts, rowNumbers, writeHiveDay, type DayOptions } from './hive.js';
import { normal, pick, rhythmicHour, uniform } from './sql-random.js';

/** Internal address of host n (10.x.y.z). */
const internalIp = (n: string) =>
  `'10.' || CAST((${n} // 65536) % 256 AS VARCHAR) || '.' || CAST((${n} // 256) % 256 AS VARCHAR) || '.' || CAST(${n} % 256 AS VARCHAR)`;
/** A scattered public-looking address for peer n. */
const externalIp = (n: string) =>
  `CAST(11 + hash(${n}, 901) % 212 AS VARCHAR) || '.' || CAST(hash(${n}, 902) % 256 AS VARCHAR) || '.' || ` +
  `CAST(hash(${n}, 903) % 256 AS VARCHAR) || '.' || CAST(1 + hash(${n}, 904) % 254 AS VARCHAR)`;

/**
 * Writes a synthetic day of netflow in Spot's layout: hosts with roles (workstations, web, DNS, mail and
 * database servers), daily rhythms, heavy-tailed activity and byte counts, plus a few injected oddities
 * (a night-time transfer to a rare port, a port scan, a zone transfer). Returns the day's folder.
 */
export async function generateFlowDay(engine: Engine, o: DayOptions): Promise<string> {
  const { yr, mh, dy } = dateParts(o.date);
  const H = o.hosts;
  const dnsServer = internalIp('1');
  const fileServer = internalIp('3');
  const events = `
    WITH base AS (
      SELECT i, CAST(floor(pow(${uniform('i', 1)}, 2.2) * ${H}) AS BIGINT) AS host,
             ${uniform('i', 2)} AS u_svc, ${uniform('i', 3)} AS u_dir
      FROM ${await rowNumbers(engine, o.root, o.rows)} t(i)
    ), roles AS (
      SELECT *, CASE host % 50 WHEN 0 THEN 'web' WHEN 1 THEN 'dns' WHEN 2 THEN 'mail' WHEN 3 THEN 'db' ELSE 'ws' END AS role
      FROM base
    ), flows AS (
      SELECT i, role,
        CASE role
          WHEN 'web' THEN CASE WHEN u_svc < 0.8 THEN 443 ELSE 80 END
          WHEN 'dns' THEN 53
          WHEN 'mail' THEN 25
          WHEN 'db' THEN 5432
          ELSE CASE WHEN u_svc < 0.5 THEN 443 WHEN u_svc < 0.7 THEN 80 WHEN u_svc < 0.85 THEN 53
                    WHEN u_svc < 0.88 THEN 123 WHEN u_svc < 0.95 THEN 445 WHEN u_svc < 0.98 THEN 3389 ELSE 22 END
        END AS service,
        CASE WHEN role IN ('web', 'db') OR (role = 'mail' AND u_dir < 0.5) THEN true ELSE false END AS inbound,
        ${internalIp('host')} AS local_ip,
        CASE WHEN role = 'db' THEN ${internalIp(`(50 * ${pick('i', 4, Math.max(1, Math.floor(H / 50)))} + 5)`)}
             ELSE ${externalIp(`floor(pow(${uniform("i", 5)}, 3) * ${H * 5})`)} END AS remote_ip,
        49152 + ${pick('i', 6, 16384)} AS ephemeral,
        CASE WHEN role = 'ws' THEN ${rhythmicHour('i', 7, 0.85)} ELSE ${rhythmicHour('i', 7, 0.55)} END AS hour,
        ${normal('i', 10)} AS z
      FROM roles
    )
    SELECT
      CASE WHEN inbound THEN remote_ip
           ELSE local_ip END AS sip,
      CASE WHEN inbound THEN local_ip
           WHEN role = 'ws' AND service = 53 THEN ${dnsServer}
           WHEN role = 'ws' AND service = 445 THEN ${fileServer}
           ELSE remote_ip END AS dip,
      ephemeral AS sport, service AS dport,
      CASE WHEN service IN (53, 123) THEN 'UDP' ELSE 'TCP' END AS proto,
      hour, ${pick('i', 20, 60)} AS minute, ${pick('i', 21, 60)} AS second,
      CAST(greatest(40, exp(CASE service WHEN 53 THEN 4.4 WHEN 123 THEN 4.4 WHEN 443 THEN 8.5 WHEN 80 THEN 9
        WHEN 445 THEN 10 WHEN 3389 THEN 11 WHEN 25 THEN 9.5 ELSE 9 END + 0.9 * z)) AS BIGINT) AS ibyt,
      CAST(greatest(40, exp(CASE service WHEN 53 THEN 5 WHEN 123 THEN 4.4 ELSE 10 END + 1.1 * ${normal('i', 30)})) AS BIGINT) AS obyt,
      round(exp(${normal('i', 40)}), 3) AS tdur
    FROM flows`;
  const oddities = `
    SELECT * FROM (VALUES
      (${internalIp('7')}, '203.0.113.66', 51515, 4444, 'TCP', 3, 12, 5, 48000000, 9000, 611.5),
      (${internalIp('7')}, '203.0.113.66', 51516, 4444, 'TCP', 3, 41, 17, 52000000, 8800, 640.0),
      (${dnsServer}, '198.51.100.9', 53, 40211, 'TCP', 4, 2, 33, 9000000, 1200, 35.2)
    ) v(sip, dip, sport, dport, proto, hour, minute, second, ibyt, obyt, tdur)
    UNION ALL
    SELECT '198.51.100.23', ${internalIp('0')}, 40000 + p, p, 'TCP', 2, 30, p, 40, 0, 0.0 FROM range(1, 25) t(p)`;
  return writeHiveDay(engine, 'flow', o, `
      SELECT
        printf('%s-%s-%s %02d:%02d:%02d', '${yr}', '${mh}', '${dy}', hour, minute, second) AS treceived,
        CAST(epoch(make_timestamp(${+yr}, ${+mh}, ${+dy}, hour, minute, second)) AS BIGINT) AS unix_tstamp,
        ${+yr} AS tryear, ${+mh} AS trmonth, ${+dy} AS trday, CAST(hour AS INTEGER) AS trhour,
        CAST(minute AS INTEGER) AS trminute, CAST(second AS INTEGER) AS trsec,
        CAST(tdur AS FLOAT) AS tdur, sip, dip, CAST(sport AS INTEGER) AS sport, CAST(dport AS INTEGER) AS dport, proto,
        '.A....' AS flag,
        CAST(greatest(1, ibyt // 700) AS BIGINT) AS ipkt, CAST(ibyt AS BIGINT) AS ibyt,
        CAST(greatest(1, obyt // 900) AS BIGINT) AS opkt, CAST(obyt AS BIGINT) AS obyt,
        hour AS spot_hour
      FROM (${events} UNION ALL ${oddities})`);
}
