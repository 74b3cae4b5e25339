import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { SpotError } from '../src/common/errors.js';
import { sqlString } from '../src/engine/engine.js';
import type { IngestType } from '../src/ingest/format.js';
import { TSHARK_FIELDS } from '../src/ingest/formats/tshark.js';
import { ingest } from '../src/ingest/ingest.js';
import { runCli, tempDir, withEngine } from './helpers.js';

const t0 = Date.UTC(2016, 4, 5, 10, 15, 1) / 1000;
/** The events of every case: two at 10h and one at 11h on 2016-05-05 in file A, one at 00h on 2016-05-06 in file B, one more at 11h when A grows. */
const A_TIMES = [t0, t0 + 301, t0 + 3002];
const B_TIME = Date.UTC(2016, 4, 6, 0, 5, 4) / 1000;
const GROW_TIME = t0 + 4504;

const iso = (s: number) => new Date(s * 1000).toISOString().slice(0, 19).replace('T', ' ');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function tsharkTime(s: number): string {
  const d = new Date(s * 1000);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')}, ${d.getUTCFullYear()} ${iso(s).slice(11)}.010000000 UTC`;
}

interface Case {
  name: string;
  type: IngestType;
  format: string;
  header: string[];
  event(s: number, i: number): string;
  bad: string;
  /** Part of the reason the bad line is rejected with. */
  reason: RegExp;
  /** Lines B ends with (footers, non-events). */
  tailB?: string[];
  notEventsB?: number;
  /** Expected columns of the first event (file A, first line). */
  first: Record<string, unknown>;
}

const STOCK_HEADER = 'ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,smk,dmk,dtos,dir,nh,nhb,svln,dvln,ismc,odmc,idmc,osmc,mpls1,mpls2,mpls3,mpls4,mpls5,mpls6,mpls7,mpls8,mpls9,mpls10,cl,sl,al,ra,eng,exid,tr';
const MAC = '00:00:00:00:00:00';
const stockLine = (s: number, i: number) =>
  [iso(s), iso(s + 1), '1.000', `10.0.0.${i}`, '93.184.216.34', 50000 + i, 443, 'TCP', '...AP.S.', 0, 0, 5, 900, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0,
    '0.0.0.0', '0.0.0.0', 0, 0, MAC, MAC, MAC, MAC, ...Array(10).fill('0-0-0'), '    0.000', '    0.000', '    0.000', '10.1.1.1', '0/0', 0,
    '2026-11-29 03:29:31.679'].join(',');
const forkLine = (s: number, i: number, ipkt = '5') =>
  [iso(s), ...iso(s).split(/[- :]/).map(Number), '1.000', `10.0.0.${i}`, '93.184.216.34', 50000 + i, 443, 'TCP', '.AP.SF', 0, 0, ipkt, 900, 3, 400, 1, 2, 0, 0, 0, 0, '10.1.1.1'].join(',');

const zeekHeader = (path: string, fields: string[], types: string[]) => [
  '#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', `#path\t${path}`, '#open\t2016-05-05-10-00-00',
  `#fields\t${fields.join('\t')}`, `#types\t${types.join('\t')}`,
];
const CONN_FIELDS = 'ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto service duration orig_bytes resp_bytes conn_state local_orig local_resp missed_bytes history orig_pkts orig_ip_bytes resp_pkts resp_ip_bytes tunnel_parents'.split(' ');
const CONN_TYPES = 'time string addr port addr port enum string interval count count string bool bool count string count count count count set[string]'.split(' ');
const DNS_FIELDS = 'ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto trans_id rtt query qclass qclass_name qtype qtype_name rcode rcode_name AA TC RD RA Z answers TTLs rejected'.split(' ');
const DNS_TYPES = 'time string addr port addr port enum count interval string count string count string count string bool bool bool bool count vector[string] vector[interval] bool'.split(' ');
const HTTP_FIELDS = 'ts uid id.orig_h id.orig_p id.resp_h id.resp_p trans_depth method host uri referrer version user_agent origin request_body_len response_body_len status_code status_msg info_code info_msg tags username password proxied orig_fuids orig_filenames orig_mime_types resp_fuids resp_filenames resp_mime_types'.split(' ');
const HTTP_TYPES = 'time string addr port addr port count string string string string string string string count count count string count string set[enum] string string set[string] vector[string] vector[string] vector[string] vector[string] vector[string] vector[string]'.split(' ');
const BLUECOAT_FIELDS = '#Fields: date time time-taken c-ip cs-username cs-auth-group x-exception-id sc-filter-result cs-categories cs(Referer) sc-status s-action cs-method rs(Content-Type) cs-uri-scheme cs-host cs-uri-port cs-uri-path cs-uri-query cs-uri-extension cs(User-Agent) s-ip sc-bytes cs-bytes x-virus-id x-bluecoat-application-name x-bluecoat-application-operation';
const bluecoatLine = (s: number, i: number) =>
  `${iso(s)} 120 10.0.0.${i} - - - OBSERVED "Technology/Internet" - 200 TCP_NC_MISS GET text/html http www.example.com 80 /index.html ?a=1 html "Mozilla/5.0 (Windows NT 10.0)" 192.168.1.1 5120 400 - "none" "none"`;

const flowFirst = { treceived: '2016-05-05 10:15:01', unix_tstamp: t0, tryear: 2016, trmonth: 5, trday: 5, trhour: 10, trminute: 15, trsec: 1, sip: '10.0.0.1', dip: '93.184.216.34', sport: 50001, dport: 443, proto: 'TCP' };
const proxyFirst = { p_date: '2016-05-05', p_time: '10:15:01', clientip: '10.0.0.1', host: 'www.example.com', reqmethod: 'GET', uripath: '/index.html', uriquery: '?a=1', uriextension: 'html', fulluri: 'www.example.com/index.html?a=1', duration: 120, scbytes: 5120 };

const CASES: Case[] = [
  {
    name: 'nfdump CSV, stock 48 columns', type: 'flow', format: 'nfdump-csv', header: [STOCK_HEADER], event: stockLine,
    bad: '2016-05-05 10:16:00,broken', reason: /2 fields, the header has 48/,
    tailB: ['Summary', 'flows,bytes,packets,avg_bps,avg_pps,avg_bpp', '4,282,4,2233,3,70'],
    first: { ...flowFirst, tdur: 1, flag: '...AP.S.', ipkt: 5, ibyt: 900, opkt: 0, obyt: 0, input: 1, output: 2, rip: '10.1.1.1' },
  },
  {
    name: "nfdump CSV, Spot's fork 27 columns", type: 'flow', format: 'nfdump-csv',
    header: ['tr,try,trm,trd,trh,trm,trs,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,dtos,dir,ra'],
    event: (s, i) => forkLine(s, i), bad: forkLine(t0 + 60, 9, 'many'), reason: /ipkt: not a whole number/,
    first: { ...flowFirst, flag: '.AP.SF', ipkt: 5, ibyt: 900, opkt: 3, obyt: 400, input: 1, output: 2, rip: '10.1.1.1' },
  },
  {
    name: 'Zeek conn.log TSV', type: 'flow', format: 'zeek-conn', header: zeekHeader('conn', CONN_FIELDS, CONN_TYPES),
    event: (s, i) => `${s}.010000\tC${i}x\t10.0.0.${i}\t${50000 + i}\t93.184.216.34\t443\ttcp\tssl\t1.000000\t300\t1200\tSF\tT\tF\t0\tShADadFf\t5\t900\t4\t1500\t-`,
    bad: `${t0}.5\tCbad\t10.0.0.9`, reason: /3 fields, #fields has 21/, tailB: ['#close\t2016-05-06-01-00-00'],
    first: { ...flowFirst, tdur: 1, flag: 'ShADadFf', ipkt: 5, ibyt: 900, opkt: 4, obyt: 1500, input: null, rip: null },
  },
  {
    name: 'Zeek conn.log JSON lines', type: 'flow', format: 'zeek-conn', header: [],
    event: (s, i) => JSON.stringify({ ts: s + 0.01, uid: `C${i}`, 'id.orig_h': `10.0.0.${i}`, 'id.orig_p': 50000 + i, 'id.resp_h': '93.184.216.34', 'id.resp_p': 443, proto: 'tcp', service: 'ssl', duration: 1.0, orig_bytes: 300, resp_bytes: 1200, conn_state: 'SF', local_orig: true, local_resp: false, missed_bytes: 0, history: 'ShADadFf', orig_pkts: 5, orig_ip_bytes: 900, resp_pkts: 4, resp_ip_bytes: 1500 }),
    bad: '{"ts":1462443361.0,"uid":', reason: /not JSON/,
    first: { ...flowFirst, tdur: 1, flag: 'ShADadFf', ipkt: 5, ibyt: 900, opkt: 4, obyt: 1500 },
  },
  {
    name: 'tshark fields CSV', type: 'dns', format: 'tshark-csv', header: [TSHARK_FIELDS.join(',')],
    event: (s, i) => i === 2
      ? `${tsharkTime(s)},${s}.010000000,78,10.0.0.1,10.0.0.${i},,,,3,,nosuch.example.org,1,0x0001,,`
      : `${tsharkTime(s)},${s}.010000000,107,10.0.0.1,10.0.0.${i},www.example.com,1,0x0001,0,93.184.216.34,www.example.com,1,0x0001,,`,
    bad: 'May  5, 2016 10:16:00.000000000 UTC,garbage', reason: /3 fields, expected 16/,
    first: { frame_time: 'May  5 2016 10:15:01.010000000 UTC', unix_tstamp: t0, frame_len: 107, ip_dst: '10.0.0.1', ip_src: '10.0.0.1', dns_qry_name: 'www.example.com', dns_qry_class: '0x0001', dns_qry_type: 1, dns_qry_rcode: 0, dns_a: '93.184.216.34' },
  },
  {
    name: 'Zeek dns.log TSV', type: 'dns', format: 'zeek-dns', header: zeekHeader('dns', DNS_FIELDS, DNS_TYPES),
    event: (s, i) => `${s}.010000\tC${i}\t10.0.0.${i}\t${40000 + i}\t10.0.0.53\t53\tudp\t${i}\t0.010000\twww.example.com\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t93.184.216.34,93.184.216.35\t300.000000,300.000000\tF`,
    bad: `${t0 + 60}.0\tCbad\t10.0.0.9\tx`, reason: /4 fields, #fields has 24/,
    // A query that got no response: not an event.
    tailB: [`${B_TIME + 5}.000000\tCq\t10.0.0.8\t40100\t10.0.0.53\t53\tudp\t77\t-\tlost.example.com\t1\tC_INTERNET\t1\tA\t-\t-\tF\tF\tT\tF\t0\t-\t-\tF`],
    notEventsB: 1,
    first: { frame_time: 'May  5 2016 10:15:01.010000000 UTC', unix_tstamp: t0, frame_len: 0, ip_dst: '10.0.0.1', ip_src: '10.0.0.53', dns_qry_name: 'www.example.com', dns_qry_class: '0x0001', dns_qry_type: 1, dns_qry_rcode: 0, dns_a: '93.184.216.34' },
  },
  {
    name: 'Zeek http.log TSV', type: 'proxy', format: 'zeek-http', header: zeekHeader('http', HTTP_FIELDS, HTTP_TYPES),
    event: (s, i) => `${s}.010000\tC${i}\t10.0.0.${i}\t${50000 + i}\t93.184.216.34\t80\t1\tGET\twww.example.com\t/index.html?a=1\t-\t1.1\tMozilla/5.0 (X11)\t-\t0\t5120\t200\tOK\t-\t-\t(empty)\t-\t-\t-\t-\t-\t-\tFabc\t-\ttext/html`,
    bad: `${t0 + 60}.0\tCbad`, reason: /2 fields, #fields has 30/,
    first: { ...proxyFirst, duration: null, useragent: 'Mozilla/5.0 (X11)', resconttype: 'text/html', respcode: '200', uriport: '80', serverip: '93.184.216.34', csbytes: 0 },
  },
  {
    name: 'Bluecoat ELFF with #Fields:', type: 'proxy', format: 'bluecoat',
    header: ['#Software: SGOS 6.5.4.4', '#Version: 1.0', '#Date: 2016-05-05 10:00:00', BLUECOAT_FIELDS], event: bluecoatLine,
    bad: '2016-05-05 10:16:00 120 "unterminated', reason: /unterminated quoted field/,
    first: { ...proxyFirst, webcat: 'Technology/Internet', respcode: '200', action: 'TCP_NC_MISS', useragent: 'Mozilla/5.0 (Windows NT 10.0)', serverip: '192.168.1.1', csbytes: 400, bcappname: 'none' },
  },
  {
    name: "Bluecoat ELFF by Spot's positions", type: 'proxy', format: 'bluecoat', header: [], event: bluecoatLine,
    bad: 'Mon May  5 10:16:00 2016 proxy restarted', reason: /does not start with a date/,
    first: { ...proxyFirst, webcat: 'Technology/Internet', filterresult: 'OBSERVED', respcode: '200', useragent: 'Mozilla/5.0 (Windows NT 10.0)' },
  },
  {
    name: 'Squid access.log', type: 'proxy', format: 'squid', header: [],
    event: (s, i) => `${s}.010    120 10.0.0.${i} TCP_MISS/200 5120 GET http://www.example.com/index.html?a=1 - HIER_DIRECT/93.184.216.34 text/html`,
    bad: `${t0 + 60}.000 42 10.0.0.9 TCP_MISS/200`, reason: /4 fields, Squid's native format has 10/,
    first: { ...proxyFirst, useragent: null, resconttype: 'text/html', respcode: '200', action: 'TCP_MISS', urischeme: 'http', uriport: '80', serverip: '93.184.216.34', username: '-', csbytes: null },
  },
];

const TIME_ORDER: Record<IngestType, string> = { flow: 'treceived', dns: 'unix_tstamp', proxy: 'p_date, p_time' };

async function readRows(root: string, type: IngestType): Promise<Record<string, unknown>[]> {
  const rows = await withEngine((e) => e.rows(`SELECT * FROM read_parquet(${sqlString(join(root, 'y=*', '**', '*.parquet'))}, hive_partitioning = false) ORDER BY ${TIME_ORDER[type]}`));
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
}

const parquetCount = (root: string) => readdirSync(root, { recursive: true }).filter((f) => String(f).endsWith('.parquet')).length;

for (const c of CASES) {
  test(`ingest ${c.name}: rows, rejects with file and line, gzip, hours and days, re-ingest, a grown log, a file of another format`, async () => {
    const dir = tempDir('ingest-fmt');
    const root = join(dir, 'root');
    const a = join(dir, 'a.log');
    const lines = [...c.header, c.event(A_TIMES[0], 1), c.event(A_TIMES[1], 2), c.bad, c.event(A_TIMES[2], 3)];
    const badLine = c.header.length + 3;
    writeFileSync(a, lines.join('\n') + '\n');
    const b = join(dir, 'b.log.gz');
    writeFileSync(b, gzipSync([...c.header, c.event(B_TIME, 4), ...(c.tailB ?? [])].join('\n') + '\n'));

    const first = await withEngine((e) => ingest(e, { type: c.type, format: c.format, out: root, inputs: [a, b], quiet: true }));
    assert.equal(first.files.length, 2);
    assert.equal(first.rows, 4);
    assert.equal(first.rejected, 1);
    assert.equal(first.notEvents, c.notEventsB ?? 0);
    assert.equal(first.linesRead, lines.length + c.header.length + 1 + (c.tailB?.length ?? 0));
    assert.deepEqual(first.partitions, [
      { partition: 'y=2016/m=05/d=05/h=10', rows: 2 },
      { partition: 'y=2016/m=05/d=05/h=11', rows: 1 },
      { partition: 'y=2016/m=05/d=06/h=00', rows: 1 },
    ]);
    const rejects = readFileSync(first.rejectsFile!, 'utf8').split('\n');
    assert.equal(rejects[0], 'file,line,reason,text');
    assert.ok(rejects[1].startsWith(`${a},${badLine},`), rejects[1]);
    assert.match(rejects[1], c.reason);

    const rows = await readRows(root, c.type);
    assert.equal(rows.length, 4);
    for (const [k, v] of Object.entries(c.first)) assert.deepEqual(rows[0][k], v, `column ${k}`);

    // The same sources again: nothing added.
    const files = parquetCount(root);
    const again = await withEngine((e) => ingest(e, { type: c.type, format: c.format, out: root, inputs: [a, b], quiet: true }));
    assert.deepEqual(again.files.map((f) => f.status), ['already ingested', 'already ingested']);
    assert.equal(again.rows, 0);
    assert.equal(parquetCount(root), files);

    // A grows: only its new line is read.
    appendFileSync(a, c.event(GROW_TIME, 5) + '\n');
    const grown = await withEngine((e) => ingest(e, { type: c.type, format: c.format, out: root, inputs: [a], quiet: true }));
    assert.deepEqual(grown.files.map((f) => [f.status, f.lines, f.rows, f.fromLine]), [['tail', 1, 1, lines.length]]);
    assert.deepEqual(grown.partitions, [{ partition: 'y=2016/m=05/d=05/h=11', rows: 1 }]);
    assert.equal((await readRows(root, c.type)).length, 5);

    // A file of another format stops the run with one message naming it, and adds nothing.
    const other = join(dir, 'other.txt');
    writeFileSync(other, 'hello world\nthis is not a log\n');
    await assert.rejects(
      withEngine((e) => ingest(e, { type: c.type, format: c.format, out: root, inputs: [other], quiet: true })),
      (err: unknown) => err instanceof SpotError && err.message.includes(other) && err.message.includes(`not a ${c.format} file`),
    );
    assert.equal((await readRows(root, c.type)).length, 5);
  });
}

test("ingested files have exactly Spot's columns and types", async () => {
  const expected: Record<IngestType, string> = {
    flow: 'treceived VARCHAR, unix_tstamp BIGINT, tryear INTEGER, trmonth INTEGER, trday INTEGER, trhour INTEGER, trminute INTEGER, trsec INTEGER, tdur FLOAT, sip VARCHAR, dip VARCHAR, sport INTEGER, dport INTEGER, proto VARCHAR, flag VARCHAR, fwd INTEGER, stos INTEGER, ipkt BIGINT, ibyt BIGINT, opkt BIGINT, obyt BIGINT, input INTEGER, output INTEGER, sas INTEGER, das INTEGER, dtos INTEGER, dir INTEGER, rip VARCHAR',
    dns: 'frame_time VARCHAR, unix_tstamp BIGINT, frame_len INTEGER, ip_dst VARCHAR, ip_src VARCHAR, dns_qry_name VARCHAR, dns_qry_class VARCHAR, dns_qry_type INTEGER, dns_qry_rcode INTEGER, dns_a VARCHAR',
    proxy: 'p_date VARCHAR, p_time VARCHAR, clientip VARCHAR, host VARCHAR, reqmethod VARCHAR, useragent VARCHAR, resconttype VARCHAR, duration INTEGER, username VARCHAR, authgroup VARCHAR, exceptionid VARCHAR, filterresult VARCHAR, webcat VARCHAR, referer VARCHAR, respcode VARCHAR, action VARCHAR, urischeme VARCHAR, uriport VARCHAR, uripath VARCHAR, uriquery VARCHAR, uriextension VARCHAR, serverip VARCHAR, scbytes INTEGER, csbytes INTEGER, virusid VARCHAR, bcappname VARCHAR, bcappoper VARCHAR, fulluri VARCHAR',
  };
  for (const c of [CASES[0], CASES[4], CASES[7]]) {
    const dir = tempDir('ingest-cols');
    writeFileSync(join(dir, 'in.log'), [...c.header, c.event(t0, 1)].join('\n') + '\n');
    const report = await withEngine((e) => ingest(e, { type: c.type, format: c.format, out: join(dir, 'root'), inputs: [join(dir, 'in.log')], quiet: true }));
    const cols = await withEngine((e) => e.rows(`DESCRIBE SELECT * FROM read_parquet(${sqlString(report.parquetFiles[0])}, hive_partitioning = false)`));
    assert.equal(cols.map((r) => `${r.column_name} ${r.column_type}`).join(', '), expected[c.type], c.type);
  }
});

test('spot-ml ingest on the command line: summary, rejects, a file not of the format (exit 2), the root from spot.conf', () => {
  const dir = tempDir('ingest-cli');
  const log = join(dir, 'access.log');
  const c = CASES.find((x) => x.format === 'squid')!;
  writeFileSync(log, [c.event(t0, 1), c.bad, c.event(B_TIME, 2)].join('\n') + '\n');
  writeFileSync(join(dir, 'spot.conf'), `HUSER=${dir}/spot\nPROXY_PATH=\${HUSER}/\${DSOURCE}/hive/y=\${YR}/m=\${MH}/d=\${DY}/\n`);
  const r = runCli(['ingest', '--type', 'proxy', '--format', 'squid', '--conf', join(dir, 'spot.conf'), log]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`ingested into ${dir}/spot/proxy/hive`));
  assert.match(r.stdout, /files: 1, lines read: 3, rows written: 2, rejected lines: 1/);
  assert.match(r.stdout, /y=2016\/m=05\/d=05\/h=10\t1\n {2}y=2016\/m=05\/d=06\/h=00\t1/);
  assert.match(r.stdout, /rejected lines \(file, line, reason, text\): .*_rejects\/ingest-.*\.csv/);
  assert.match(r.stderr, /access\.log: 3 lines in .* lines\/s/);

  // A rotated (renamed) copy of an ingested log adds nothing: sources are known by size and content hash.
  copyFileSync(log, join(dir, 'access.log.1'));
  const copy = runCli(['ingest', '--type', 'proxy', '--format', 'squid', '--conf', join(dir, 'spot.conf'), '--quiet', join(dir, 'access.log.1')]);
  assert.equal(copy.code, 0, copy.stderr);
  assert.match(copy.stdout, /access\.log\.1: already ingested, nothing added[^]*rows written: 0/);

  writeFileSync(join(dir, 'not.log'), 'hello\n');
  const bad = runCli(['ingest', '--type', 'flow', '--format', 'nfdump-csv', '--out', join(dir, 'flow'), join(dir, 'not.log')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^spot-ml: error: .*not\.log is not a nfdump-csv file: no nfdump CSV header/m);
  const wrongType = runCli(['ingest', '--type', 'flow', '--format', 'squid', '--out', join(dir, 'flow'), log]);
  assert.equal(wrongType.code, 2);
  assert.match(wrongType.stderr, /--format squid is a proxy format, not flow/);
});

test('Zeek JSON logs with ISO 8601 timestamps (LogAscii::json_timestamps = JSON::TS_ISO8601)', async () => {
  const dir = tempDir('ingest-zeek-iso');
  const record = { ts: '2016-05-05T10:15:01.010000Z', uid: 'C1', 'id.orig_h': '10.0.0.1', 'id.orig_p': 50001, 'id.resp_h': '10.0.0.53', 'id.resp_p': 53, proto: 'udp', trans_id: 7, query: 'www.example.com', qclass: 1, qtype: 28, rcode: 0, answers: ['2001:db8::1'] };
  writeFileSync(join(dir, 'dns.log'), JSON.stringify(record) + '\n');
  const r = await withEngine((e) => ingest(e, { type: 'dns', format: 'zeek-dns', out: join(dir, 'root'), inputs: [join(dir, 'dns.log')], quiet: true }));
  assert.deepEqual(r.partitions, [{ partition: 'y=2016/m=05/d=05/h=10', rows: 1 }]);
  const [row] = await readRows(join(dir, 'root'), 'dns');
  assert.deepEqual(
    [row.frame_time, row.unix_tstamp, row.dns_qry_type, row.dns_a],
    ['May  5 2016 10:15:01.010000000 UTC', t0, 28, '2001:db8::1'],
  );
});

test('one ingest at a time per root: a live holder of the lock stops the second, a dead one is taken over', async () => {
  const dir = tempDir('ingest-lock');
  const root = join(dir, 'root');
  const log = join(dir, 'access.log');
  writeFileSync(log, CASES.find((x) => x.format === 'squid')!.event(t0, 1) + '\n');
  mkdirSync(join(root, '_ingest'), { recursive: true });
  const lock = join(root, '_ingest', 'manifest.json.lock');
  writeFileSync(lock, String(process.pid));
  await assert.rejects(
    withEngine((e) => ingest(e, { type: 'proxy', format: 'squid', out: root, inputs: [log], quiet: true })),
    (err: unknown) => err instanceof SpotError && err.message.includes(`in use by process ${process.pid}`),
  );
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  writeFileSync(lock, dead);
  const r = await withEngine((e) => ingest(e, { type: 'proxy', format: 'squid', out: root, inputs: [log], quiet: true }));
  assert.equal(r.rows, 1);
  assert.ok(!existsSync(lock), 'the lock is released');
});
