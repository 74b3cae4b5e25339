import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { sqlString } from '../src/engine/engine.js';
import { ingest } from '../src/ingest/ingest.js';
import { tempDir, withEngine } from './helpers.js';

/**
 * A whole file is read once: its events go to their hours and every other line (header, comment, empty
 * line, not an event, rejected) to a scratch partition that is counted and removed. These pin that the
 * scratch partitions never reach the root and that each kind of line is counted as it was with two passes.
 */
const t0 = Date.UTC(2016, 4, 5, 10, 15, 1) / 1000;
const fields = 'ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto trans_id rtt query qclass qclass_name qtype qtype_name rcode rcode_name AA TC RD RA Z answers TTLs rejected';
const dnsLine = (ts: number, i: number, rcode: string) =>
  `${ts.toFixed(6)}\tC${i}\t10.0.0.${i}\t5353\t10.0.0.53\t53\tudp\t${i}\t0.01\tsite${i}.example.com\t1\tC_INTERNET\t1\tA\t${rcode}\tNOERROR\tF\tF\tT\tT\t0\t198.51.100.${i}\t300.0\tF`;

test('single pass: skipped, non-event and rejected lines are counted, and no scratch partition reaches the root', async () => {
  const dir = tempDir('ingest-single-pass');
  const log = join(dir, 'dns.log');
  const lines = [
    '#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tdns', `#fields\t${fields.split(' ').join('\t')}`, // 1-6
    dnsLine(t0, 1, '0'), // 7: 10h
    dnsLine(t0 + 1, 2, '-'), // 8: a query without a response: not an event
    '', // 9: empty
    dnsLine(t0 + 2, 3, 'x'), // 10: rejected
    dnsLine(t0 + 3600, 4, '3'), // 11: 11h
    `${t0 + 5}\tC5\t10.0.0.5`, // 12: rejected, too few fields
    dnsLine(t0 + 86400, 6, '0'), // 13: the next day
    '#close\t2016-05-06-00-00-00', // 14
  ];
  writeFileSync(log, lines.join('\n') + '\n');
  const root = join(dir, 'root');
  const r = await withEngine((e) => ingest(e, { type: 'dns', format: 'zeek-dns', out: root, inputs: [log], quiet: true }));
  assert.deepEqual([r.linesRead, r.rows, r.notEvents, r.rejected], [14, 3, 1, 2]);
  assert.deepEqual(r.partitions, [
    { partition: 'y=2016/m=05/d=05/h=10', rows: 1 },
    { partition: 'y=2016/m=05/d=05/h=11', rows: 1 },
    { partition: 'y=2016/m=05/d=06/h=10', rows: 1 },
  ]);
  assert.deepEqual(readdirSync(root).filter((d) => d.startsWith('y=')), ['y=2016']);
  assert.equal(r.parquetFiles.length, 3);
  const rejects = (parse(readFileSync(r.rejectsFile!, 'utf8')) as string[][]).slice(1);
  assert.deepEqual(rejects.map((f) => [f[1], f[2]]), [['10', 'rcode: not a whole number: "x"'], ['12', '3 fields, #fields has 24']]);
  const names = await withEngine((e) => e.rows(`SELECT dns_qry_name AS q FROM read_parquet(${sqlString(join(root, 'y=*', '**', '*.parquet'))}) ORDER BY unix_tstamp`));
  assert.deepEqual(names.map((x) => x.q), ['site1.example.com', 'site4.example.com', 'site6.example.com']);
});

test('single pass: a line that may start a footer sends the file to the two passes (nfdump CSV: its Summary block is no reject)', async () => {
  const dir = tempDir('ingest-single-pass');
  const csv = join(dir, 'flows.csv');
  const header = 'tr,try,trm,trd,trh,trm,trs,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,dtos,dir,ra';
  const flow = (time: string, ip: string) => `${time},2016,5,5,10,15,1,1.5,${ip},10.0.0.1,50000,443,TCP,.AP.SF,0,0,5,900,4,1500,0,0,0,0,0,0,127.0.0.1`;
  writeFileSync(csv, [header, flow('2016-05-05 10:15:01', '10.0.0.2'), flow('2016-05-05 11:15:01', '10.0.0.3'), '', 'Summary', 'flows,bytes,packets', '2,2400,9'].join('\n') + '\n');
  const r = await withEngine((e) => ingest(e, { type: 'flow', format: 'nfdump-csv', out: join(dir, 'root'), inputs: [csv], quiet: true }));
  assert.deepEqual([r.linesRead, r.rows, r.rejected], [7, 2, 0]);
  assert.deepEqual(r.partitions.map((p) => p.partition), ['y=2016/m=05/d=05/h=10', 'y=2016/m=05/d=05/h=11']);
  assert.deepEqual(readdirSync(join(dir, 'root')).filter((d) => d.startsWith('y=')), ['y=2016']);
});

test('a time far out of range is a reject with its reason, not an overflow that stops the ingest', async () => {
  const dir = tempDir('ingest-single-pass');
  const log = join(dir, 'dns.log');
  const header = ['#separator \\x09', '#path\tdns', `#fields\t${fields.split(' ').join('\t')}`];
  writeFileSync(log, [...header, dnsLine(t0, 1, '0'), dnsLine(1e300, 2, '0').replace(/^[^\t]+/, '1e300'), dnsLine(99999999999999, 3, '0')].join('\n') + '\n');
  const squidLog = join(dir, 'access.log');
  writeFileSync(squidLog, `${t0}.010 120 10.0.0.1 TCP_MISS/200 5120 GET http://a/ - HIER_DIRECT/1.2.3.4 text/html\n99999999999999.000 120 10.0.0.1 TCP_MISS/200 5120 GET http://a/ - HIER_DIRECT/1.2.3.4 text/html\n`);
  const [dns, proxy] = await withEngine(async (e) => [
    await ingest(e, { type: 'dns', format: 'zeek-dns', out: join(dir, 'dns'), inputs: [log], quiet: true }),
    await ingest(e, { type: 'proxy', format: 'squid', out: join(dir, 'proxy'), inputs: [squidLog], quiet: true }),
  ]);
  assert.deepEqual([dns.rows, dns.rejected, proxy.rows, proxy.rejected], [1, 2, 1, 1]);
  const reasons = (f: string) => (parse(readFileSync(f, 'utf8')) as string[][]).slice(1).map((x) => [x[1], x[2]]);
  assert.deepEqual(reasons(dns.rejectsFile!), [['5', 'ts: not a Unix time: "1e300"'], ['6', 'ts: not a Unix time: "99999999999999.000000"']]);
  assert.deepEqual(reasons(proxy.rejectsFile!), [['2', 'time: not a Unix time: "99999999999999.000"']]);
});
