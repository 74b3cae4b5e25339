import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { sqlString } from '../src/engine/engine.js';
import { tsharkArgs } from '../src/ingest/formats/tshark.js';
import { query, readResults, reportAll, runCli, tempDir } from './helpers.js';
import { dnsMessage, pcapFile, tcpFrame, udpFrame, type Packet } from './pcap-writer.js';

/** Fails (never skips) when a tool the ingest needs is missing: the CI installs it. */
function requireTool(command: string, debianPackage: string): void {
  const r = spawnSync(command, ['-h'], { encoding: 'utf8' });
  assert.ok(!r.error, `${command} is not installed: these tests need the Debian package ${debianPackage}`);
}

const at = (y: number, mo: number, d: number, h: number, mi: number, s: number) => Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** tshark's frame.time without its comma, as Spot stored it, e.g. `May  5 2016 10:15:01.010000000 UTC`. */
function frameTime(ts: number): string {
  const d = new Date(Math.floor(ts) * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  const nanos = String(Math.round((ts % 1) * 1e6)).padStart(6, '0') + '000';
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${nanos} UTC`;
}
const isoSeconds = (ts: number) => new Date(Math.floor(ts) * 1000).toISOString().slice(0, 19).replace('T', ' ');

interface Lookup { client: string; server: string; port: number; name: string; rcode: number; answers: string[]; ts: number; answered: boolean }
const LOOKUPS: Lookup[] = [
  { client: '10.0.0.5', server: '10.0.0.1', port: 40000, name: 'www.example.com', rcode: 0, answers: ['93.184.216.34', '93.184.216.35'], ts: at(2016, 5, 5, 10, 15, 1), answered: true },
  { client: '10.0.0.5', server: '10.0.0.1', port: 40001, name: 'nosuch.example.org', rcode: 3, answers: [], ts: at(2016, 5, 5, 10, 15, 2), answered: true },
  { client: '10.0.0.8', server: '10.0.0.1', port: 40004, name: 'lost.example.com', rcode: 0, answers: [], ts: at(2016, 5, 5, 10, 20, 0), answered: false },
  { client: '10.0.0.6', server: '10.0.0.1', port: 40002, name: 'b.example.com', rcode: 0, answers: ['1.2.3.4'], ts: at(2016, 5, 5, 12, 15, 1), answered: true },
  { client: '10.0.0.7', server: '10.0.0.2', port: 40003, name: 'c.example.net', rcode: 0, answers: ['5.6.7.8'], ts: at(2016, 5, 6, 0, 5, 0), answered: true },
];

function traffic(): { packets: Packet[]; responses: Packet[]; lookups: Lookup[] } {
  const packets: Packet[] = [];
  const responses: Packet[] = [];
  LOOKUPS.forEach((l, i) => {
    packets.push({ ts: l.ts, frame: udpFrame(l.client, l.server, l.port, 53, dnsMessage(i + 1, l.name, 1, false)) });
    if (l.answered) {
      const r = { ts: l.ts + 0.01, frame: udpFrame(l.server, l.client, 53, l.port, dnsMessage(i + 1, l.name, 1, true, l.rcode, l.answers)) };
      packets.push(r);
      responses.push(r);
    }
  });
  const web = at(2016, 5, 5, 10, 30, 0);
  packets.push({ ts: web, frame: tcpFrame('10.0.0.5', '93.184.216.34', 50000, 443, 0x02, 1) });
  packets.push({ ts: web + 0.05, frame: tcpFrame('93.184.216.34', '10.0.0.5', 443, 50000, 0x12, 100) });
  packets.push({ ts: web + 0.1, frame: tcpFrame('10.0.0.5', '93.184.216.34', 50000, 443, 0x18, 2, Buffer.alloc(300)) });
  packets.push({ ts: web + 0.2, frame: tcpFrame('93.184.216.34', '10.0.0.5', 443, 50000, 0x18, 101, Buffer.alloc(1200)) });
  const ntp = at(2016, 5, 5, 12, 40, 0);
  packets.push({ ts: ntp, frame: udpFrame('10.0.0.9', '192.0.2.10', 123, 123, Buffer.alloc(48)) });
  packets.push({ ts: ntp + 0.02, frame: udpFrame('192.0.2.10', '10.0.0.9', 123, 123, Buffer.alloc(48)) });
  packets.sort((a, b) => a.ts - b.ts);
  return { packets, responses, lookups: LOOKUPS };
}

/** nfpcapd's flows: one per direction of a conversation, IP bytes (frame minus the Ethernet header). */
function expectedFlows(packets: readonly Packet[]) {
  const flows = new Map<string, { treceived: string; sip: string; dip: string; sport: number; dport: number; proto: string; ipkt: number; ibyt: number }>();
  for (const p of packets) {
    const f = p.frame;
    const proto = f[23] === 6 ? 'TCP' : 'UDP';
    const sip = [...f.subarray(26, 30)].join('.');
    const dip = [...f.subarray(30, 34)].join('.');
    const sport = f.readUInt16BE(34);
    const dport = f.readUInt16BE(36);
    const key = `${sip}|${dip}|${sport}|${dport}|${proto}`;
    const flow = flows.get(key) ?? { treceived: isoSeconds(p.ts), sip, dip, sport, dport, proto, ipkt: 0, ibyt: 0 };
    flow.ipkt++;
    flow.ibyt += f.length - 14;
    flows.set(key, flow);
  }
  return [...flows.values()];
}

test('a pcap through real tshark and nfpcapd/nfdump: ingest lays out the days and spot-ml analyses them', async () => {
  requireTool('tshark', 'tshark');
  requireTool('nfpcapd', 'nfdump');
  const dir = tempDir('ingest-tools');
  const { packets, responses, lookups } = traffic();
  const pcap = join(dir, 'capture.pcap');
  writeFileSync(pcap, pcapFile(packets));

  // DNS: the pcap through tshark (Spot's field list and filter), every response one row.
  const dnsRoot = join(dir, 'dns', 'hive');
  const dns = runCli(['ingest', '--type', 'dns', '--format', 'pcap', '--out', dnsRoot, pcap]);
  assert.equal(dns.code, 0, dns.stderr);
  assert.match(dns.stdout, /rows written: 4, rejected lines: 0/);
  assert.match(dns.stdout, /y=2016\/m=05\/d=05\/h=10\t2\n {2}y=2016\/m=05\/d=05\/h=12\t1\n {2}y=2016\/m=05\/d=06\/h=00\t1/);
  const dnsRows = await query(`SELECT * FROM read_parquet(${sqlString(join(dnsRoot, '**', '*.parquet'))}, hive_partitioning = false) ORDER BY unix_tstamp`);
  const answered = lookups.filter((l) => l.answered);
  assert.deepEqual(
    dnsRows.map((r) => ({ ...r, unix_tstamp: Number(r.unix_tstamp) })),
    answered.map((l, i) => ({
      frame_time: frameTime(l.ts + 0.01),
      unix_tstamp: Math.floor(l.ts + 0.01),
      frame_len: responses[i].frame.length,
      ip_dst: l.client,
      ip_src: l.server,
      dns_qry_name: l.name, // the NXDOMAIN response keeps its name (from dns.qry.name)
      dns_qry_class: '0x0001',
      dns_qry_type: 1,
      dns_qry_rcode: l.rcode,
      dns_a: l.answers[0] ?? null,
    })),
  );

  // tshark's own CSV of the same command, ingested as text, gives the same rows.
  const csv = spawnSync('tshark', tsharkArgs(pcap), { env: { ...process.env, TZ: 'UTC' }, encoding: 'utf8' });
  assert.equal(csv.status, 0, csv.stderr);
  writeFileSync(join(dir, 'dns.csv'), csv.stdout);
  const csvRoot = join(dir, 'dns-csv');
  const fromCsv = runCli(['ingest', '--type', 'dns', '--format', 'tshark-csv', '--out', csvRoot, join(dir, 'dns.csv'), '--quiet']);
  assert.equal(fromCsv.code, 0, fromCsv.stderr);
  assert.deepEqual(await query(`SELECT * FROM read_parquet(${sqlString(join(csvRoot, '**', '*.parquet'))}, hive_partitioning = false) ORDER BY unix_tstamp`), dnsRows);

  // Flows: nfpcapd makes nfcapd files, ingest reads them with nfdump; every flow one row.
  const nfDir = join(dir, 'nfcapd');
  mkdirSync(nfDir);
  const nf = spawnSync('nfpcapd', ['-r', pcap, '-w', nfDir], { encoding: 'utf8' });
  assert.equal(nf.status, 0, nf.stderr);
  assert.ok(readdirSync(nfDir).some((f) => f.startsWith('nfcapd.')), 'nfpcapd wrote no nfcapd file');
  const flowRoot = join(dir, 'flow', 'hive');
  const flow = runCli(['ingest', '--type', 'flow', '--format', 'nfcapd', '--out', flowRoot, nfDir]);
  assert.equal(flow.code, 0, flow.stderr);
  const want = expectedFlows(packets);
  assert.match(flow.stdout, new RegExp(`rows written: ${want.length}, rejected lines: 0`));
  const flowRows = await query(
    `SELECT treceived, tryear, trmonth, trday, trhour, trminute, trsec, sip, dip, sport, dport, proto, ipkt, ibyt, opkt, obyt
     FROM read_parquet(${sqlString(join(flowRoot, '**', '*.parquet'))}, hive_partitioning = false) ORDER BY treceived, sip, sport`,
  );
  const sorted = [...want].sort((a, b) => a.treceived.localeCompare(b.treceived) || a.sip.localeCompare(b.sip) || a.sport - b.sport);
  assert.deepEqual(
    flowRows.map((r) => ({ ...r, ipkt: Number(r.ipkt), ibyt: Number(r.ibyt), opkt: Number(r.opkt), obyt: Number(r.obyt) })),
    sorted.map((f) => ({
      treceived: f.treceived,
      tryear: +f.treceived.slice(0, 4), trmonth: +f.treceived.slice(5, 7), trday: +f.treceived.slice(8, 10),
      trhour: +f.treceived.slice(11, 13), trminute: +f.treceived.slice(14, 16), trsec: +f.treceived.slice(17, 19),
      sip: f.sip, dip: f.dip, sport: f.sport, dport: f.dport, proto: f.proto, ipkt: f.ipkt, ibyt: f.ibyt, opkt: 0, obyt: 0,
    })),
  );

  // spot-ml analyses the ingested days: every event of 2016-05-05 is scored and reported.
  for (const [type, root, day] of [['dns', dnsRoot, 3], ['flow', flowRoot, want.filter((f) => f.treceived.startsWith('2016-05-05')).length]] as const) {
    const scored = join(dir, `${type}-scored`);
    const r = runCli(['--analysis', type, '--input', join(root, 'y=2016', 'm=05', 'd=05'), '--scored', scored, ...reportAll, '--ldatopiccount', '3']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readResults(join(scored, `${type}_results.csv`)).length, day, `${type} results`);
  }
  const dnsResults = readResults(join(dir, 'dns-scored', 'dns_results.csv'));
  assert.ok(dnsResults.some((f) => f[4] === 'nosuch.example.org' && f[7] === '3'), 'the NXDOMAIN response is analysed with its name');
});

test('pcap and nfcapd sources: gzip, several files across days, re-ingest, a grown capture, a capture cut short, a file of another kind', () => {
  requireTool('tshark', 'tshark');
  requireTool('nfpcapd', 'nfdump');
  const dir = tempDir('ingest-binary');
  const { packets } = traffic();
  const day5 = packets.filter((p) => p.ts < at(2016, 5, 6, 0, 0, 0));
  const day6 = packets.filter((p) => p.ts >= at(2016, 5, 6, 0, 0, 0));
  const noon = at(2016, 5, 5, 12, 0, 0);
  const first = join(dir, 'day5.pcap');
  writeFileSync(first, pcapFile(day5.filter((p) => p.ts < noon)));
  writeFileSync(join(dir, 'day6.pcap.gz'), gzipSync(pcapFile(day6)));
  const root = join(dir, 'dns');
  const ingestDns = (...files: string[]) => runCli(['ingest', '--type', 'dns', '--format', 'pcap', '--out', root, '--quiet', ...files]);

  let r = ingestDns(first, join(dir, 'day6.pcap.gz'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /rows written: 3, rejected lines: 0/);
  assert.match(r.stdout, /y=2016\/m=05\/d=05\/h=10\t2\n {2}y=2016\/m=05\/d=06\/h=00\t1/);
  r = ingestDns(first, join(dir, 'day6.pcap.gz'));
  assert.match(r.stdout, /day5\.pcap: already ingested[^]*day6\.pcap\.gz: already ingested[^]*rows written: 0/);

  // The capture grows (packets appended, as a running capture does): only the new responses are added.
  const later = pcapFile(day5.filter((p) => p.ts >= noon)).subarray(24);
  appendFileSync(first, later);
  r = ingestDns(first);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /day5\.pcap: 1 lines after line 3 \(grown since last ingested\), 1 rows/);
  assert.match(r.stdout, /y=2016\/m=05\/d=05\/h=12\t1\n/);

  // Cut short in the middle of a packet: the packets before the cut are kept, the cut is a reported reject.
  const whole = pcapFile(day5);
  writeFileSync(join(dir, 'cut.pcap'), whole.subarray(0, whole.length - 20));
  r = runCli(['ingest', '--type', 'dns', '--format', 'pcap', '--out', join(dir, 'cut'), '--quiet', join(dir, 'cut.pcap')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /rows written: 3, rejected lines: 1/); // the cut packet is the last (NTP) one
  const rejectsFile = /\): (\S+_rejects\S+\.csv)/.exec(r.stdout)![1];
  assert.match(readFileSync(rejectsFile, 'utf8'), /cut\.pcap,\d+,"tshark \(exit 2\): .*cut short/);

  writeFileSync(join(dir, 'notes.txt'), 'hello\n');
  r = ingestDns(join(dir, 'notes.txt'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /notes\.txt is not a pcap file: it does not start with a pcap or pcapng magic number/);

  // nfcapd files: one gzipped, then the same again, then a file that is not one.
  const nfDir = join(dir, 'nf');
  mkdirSync(nfDir);
  assert.equal(spawnSync('nfpcapd', ['-r', join(dir, 'cut.pcap'), '-w', nfDir]).status, 0);
  const [nfFile] = readdirSync(nfDir).filter((f) => f.startsWith('nfcapd.'));
  writeFileSync(join(dir, 'flows.gz'), gzipSync(readFileSync(join(nfDir, nfFile))));
  const flowRoot = join(dir, 'flow');
  const ingestFlow = (file: string) => runCli(['ingest', '--type', 'flow', '--format', 'nfcapd', '--out', flowRoot, '--quiet', file]);
  r = ingestFlow(join(dir, 'flows.gz'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /rows written: [1-9]\d*, rejected lines: 0/);
  r = ingestFlow(join(dir, 'flows.gz'));
  assert.match(r.stdout, /already ingested[^]*rows written: 0/);
  r = ingestFlow(join(dir, 'notes.txt'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /notes\.txt is not a nfcapd file: it does not start with the nfcapd magic number/);
});
