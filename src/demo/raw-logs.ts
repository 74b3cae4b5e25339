import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { sqlString } from '../engine/engine.js';
import type { IngestType } from '../ingest/format.js';
import { TSHARK_FIELDS } from '../ingest/formats/tshark.js';
import { ingest } from '../ingest/ingest.js';

/** The ingest format each demo day is written in as raw logs. */
export const RAW_FORMAT: Record<IngestType, { format: string; file: string }> = {
  flow: { format: 'nfdump-csv', file: 'nfdump.csv' },
  dns: { format: 'tshark-csv', file: 'tshark.csv' },
  proxy: { format: 'squid', file: 'access.log' },
};

const STOCK_NFDUMP_HEADER =
  'ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,smk,dmk,dtos,dir,nh,nhb,svln,dvln,ismc,odmc,idmc,osmc,' +
  'mpls1,mpls2,mpls3,mpls4,mpls5,mpls6,mpls7,mpls8,mpls9,mpls10,cl,sl,al,ra,eng,exid,tr';

/** Each type's raw line from a row of its Spot table, in the form the source program prints. */
const LINE_SQL: Record<IngestType, { header?: string; line: string }> = {
  // nfdump 1.7 `-o csv` (TZ=UTC): 48 columns, unused ones as nfdump prints them.
  flow: {
    header: STOCK_NFDUMP_HEADER,
    line: `concat_ws(',', treceived, strftime(CAST(treceived AS TIMESTAMP) + to_milliseconds(CAST(round(tdur * 1000) AS BIGINT)), '%Y-%m-%d %H:%M:%S'),
      printf('%.3f', tdur), sip, dip, sport, dport, proto, '...A....', 0, 0, ipkt, ibyt, opkt, obyt, 0, 0, 0, 0, 0, 0, 0, 0,
      '0.0.0.0', '0.0.0.0', 0, 0, '00:00:00:00:00:00', '00:00:00:00:00:00', '00:00:00:00:00:00', '00:00:00:00:00:00',
      ${Array(10).fill("'0-0-0'").join(', ')}, '    0.000', '    0.000', '    0.000', '127.0.0.1', '0/0', 0, treceived || '.000')`,
  },
  // tshark -T fields -E separator=, with the field list ingest asks for; frame.time keeps its comma.
  dns: {
    header: TSHARK_FIELDS.join(','),
    line: `concat_ws(',', regexp_replace(frame_time, '^(\\w+ +\\d+) ', '\\1, '),
      CAST(unix_tstamp AS VARCHAR) || '.' || regexp_extract(frame_time, '\\.(\\d+)', 1), frame_len, ip_src, ip_dst,
      CASE WHEN dns_a IS NULL AND dns_qry_rcode <> 0 THEN '' ELSE dns_qry_name END,
      CASE WHEN dns_a IS NULL AND dns_qry_rcode <> 0 THEN '' ELSE CAST(dns_qry_type AS VARCHAR) END,
      CASE WHEN dns_a IS NULL AND dns_qry_rcode <> 0 THEN '' ELSE dns_qry_class END,
      dns_qry_rcode, coalesce(dns_a, ''), dns_qry_name, dns_qry_type, dns_qry_class, '', '')`,
  },
  // Squid's native access.log.
  proxy: {
    line: `printf('%d.%03d %6d %s TCP_MISS/%s %d %s %s %s HIER_DIRECT/%s %s',
      CAST(epoch(CAST(p_date || ' ' || p_time AS TIMESTAMP)) AS BIGINT), CAST(hash(fulluri, p_time) % 1000 AS INTEGER), duration,
      clientip, respcode, scbytes, reqmethod, fulluri, username, serverip, replace(resconttype, ' ', ''))`,
  },
};

/**
 * Writes a Spot-layout day back out as the raw log its source program would have printed (nfdump CSV,
 * tshark CSV, Squid access.log), in time order, so the demo can start from raw logs. Returns the file.
 */
export async function writeRawLog(engine: Engine, type: IngestType, day: string, folder: string): Promise<string> {
  await mkdir(folder, { recursive: true });
  const file = join(folder, RAW_FORMAT[type].file);
  const { header, line } = LINE_SQL[type];
  const time = type === 'proxy' ? `p_date || ' ' || p_time` : type === 'flow' ? 'treceived' : 'frame_time';
  const rows = `SELECT ${line} AS line, 1 AS part, ${time} AS k FROM read_parquet(${sqlString(join(day, '**', '*.parquet'))}, hive_partitioning = false)`;
  const all = header === undefined ? rows : `SELECT ${sqlString(header)} AS line, 0 AS part, NULL AS k UNION ALL ${rows}`;
  await engine.exec(`COPY (SELECT line FROM (${all}) ORDER BY part, k) TO ${sqlString(file)} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '')`);
  return file;
}

/**
 * The demo from raw logs: the generated day is written out as its raw log, removed, and ingested back
 * into the same place with `spot-ml ingest`'s code. Returns the raw file and the ingest's report.
 */
export async function rawRoundTrip(engine: Engine, type: IngestType, root: string, day: string, quiet: boolean) {
  const raw = await writeRawLog(engine, type, day, join(root, 'raw', type));
  const hive = join(root, type, 'hive');
  for (const stale of [day, join(hive, '_ingest'), join(hive, '_rejects')]) await rm(stale, { recursive: true, force: true });
  const report = await ingest(engine, { type, format: RAW_FORMAT[type].format, out: hive, inputs: [raw], quiet });
  return { raw, report };
}
