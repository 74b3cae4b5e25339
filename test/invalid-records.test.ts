import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { dnsColumns, proxyColumns } from './columns.js';
import { parquetRowCount, readResults, reportAll, runCli, tempDir, writeRowsParquet } from './helpers.js';

interface Case {
  rows: object[];
  invalid: number;
  wordErrors: number;
}

/** Runs the CLI on the rows and checks that every row is reported, saved as invalid or saved as a word error. */
/** Runs the CLI on the rows (in each scoring mode) and checks that every row is reported, saved as invalid or saved as a word error. */
async function checkAccounting(type: 'dns' | 'proxy', columns: Record<string, string>, c: Case): Promise<string[][]> {
  const dir = await tempDir(`${type}-invalid`);
  const input = join(dir, `${type}.parquet`);
  await writeRowsParquet(input, columns, c.rows);
  let spotResults: string[][] = [];
  for (const scoring of ['spot', 'robust']) {
    const scored = join(dir, scoring);
    const run = runCli(['--analysis', type, '--input', input, '--scored', scored, '--userdomain', 'corp', ...reportAll, '--scoring', scoring]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`${c.rows.length} rows read, ${c.invalid} invalid, ${c.wordErrors} could not be featurised`), scoring);
    const results = await readResults(join(scored, `${type}_results.csv`));
    assert.equal(results.length + c.invalid + c.wordErrors, c.rows.length, `${scoring}: every row accounted for`);
    assert.equal(await parquetRowCount(join(scored, 'invalid_records', 'invalid.parquet')), c.invalid, scoring);
    assert.equal(await parquetRowCount(join(scored, 'invalid_records', 'word_error.parquet')), c.wordErrors, scoring);
    if (scoring === 'spot') spotResults = results;
  }
  return spotResults;
}

const dnsRow = (over: object, n = 0) => ({
  frame_time: `May  5 2016 ${String(8 + (n % 10)).padStart(2, '0')}:32:45.543421000 UTC`,
  unix_tstamp: 1462437165 + n,
  frame_len: 80 + 17 * n,
  ip_dst: `10.0.0.${1 + (n % 3)}`,
  dns_qry_name: ['www.google.com', 'mail.corp.com', 'x.example.net', '4.3.2.10.in-addr.arpa'][n % 4],
  dns_qry_class: '0x00000001',
  dns_qry_type: [1, 28, 12][n % 3],
  dns_qry_rcode: n % 5 === 0 ? 3 : 0,
  ...over,
});

test('DNS: invalid rows (SPEC §3) and unreadable times are saved and counted; all rows accounted for', async () => {
  const clean = Array.from({ length: 12 }, (_, n) => dnsRow({}, n));
  const filled = [
    dnsRow({ dns_qry_class: null, dns_qry_rcode: null }, 1), // type is enough; class and rcode filled
    dnsRow({ dns_qry_class: '-', dns_qry_type: null }, 2), // rcode >= 0 is enough
  ];
  const invalid = [
    { frame_time: null }, { frame_time: '' }, { frame_time: '-' },
    { unix_tstamp: -1 }, { unix_tstamp: null }, { frame_len: -5 }, { frame_len: null },
    { dns_qry_name: null }, { dns_qry_name: '' }, { dns_qry_name: '-' }, { dns_qry_name: '(empty)' },
    { ip_dst: null }, { ip_dst: '' }, { ip_dst: '-' },
    { dns_qry_class: null, dns_qry_type: null, dns_qry_rcode: null },
    { dns_qry_class: '', dns_qry_type: null, dns_qry_rcode: -1 },
  ].map((o, n) => dnsRow(o, n));
  const wordErrors = [dnsRow({ frame_time: 'garbage' }), dnsRow({ frame_time: 'May  5 2016 25:00:00.0 UTC' })];
  const results = await checkAccounting('dns', dnsColumns, {
    rows: [...clean, ...invalid, ...filled, ...wordErrors],
    invalid: invalid.length,
    wordErrors: wordErrors.length,
  });
  const filledRow = results.find((r) => r[5] === 'unknown');
  assert.ok(filledRow, 'null class filled with "unknown"');
  assert.equal(filledRow[7], '-1', 'null rcode filled with -1');
  assert.ok(results.some((r) => r[5] === '-' && r[6] === '-1'), 'null type filled with -1');
});

const proxyRow = (over: object, n = 0) => ({
  p_date: '2016-05-05', p_time: `${String(9 + (n % 8)).padStart(2, '0')}:15:00`, clientip: `10.0.1.${1 + (n % 3)}`,
  host: ['www.google.com', 'intranet.corp.com', 'cdn.example.net'][n % 3], reqmethod: n % 4 ? 'GET' : 'POST',
  useragent: ['Mozilla/5.0 Chrome', 'Mozilla/5.0 Firefox'][n % 2], resconttype: ['text/html', 'image/png'][n % 2],
  duration: 120, username: '-', webcat: 'Technology', referer: '-', respcode: n % 5 ? '200' : '304', uriport: '443',
  uripath: `/p/${n}`, uriquery: '-', serverip: '203.0.113.9', scbytes: 1500 + n, csbytes: 400, fulluri: `/p/${n}?q=${n * n}`,
  ...over,
});

test('proxy: invalid rows (SPEC §3) and unreadable times are saved and counted; all rows accounted for', async () => {
  const clean = Array.from({ length: 12 }, (_, n) => proxyRow({}, n));
  const filled = [proxyRow({ useragent: null, resconttype: null, respcode: null }, 3)];
  const invalid = [{ p_date: null }, { p_time: null }, { clientip: null }, { host: null }, { fulluri: null }].map((o, n) => proxyRow(o, n));
  const wordErrors = [proxyRow({ p_time: 'noon' }), proxyRow({ p_time: '24:00:00' })];
  const results = await checkAccounting('proxy', proxyColumns, {
    rows: [...clean, ...invalid, ...filled, ...wordErrors],
    invalid: invalid.length,
    wordErrors: wordErrors.length,
  });
  const filledRow = results.find((r) => r[5] === '-');
  assert.ok(filledRow, 'null useragent filled with "-"');
  assert.equal(filledRow[6], '-', 'null resconttype filled with "-"');
  assert.match(filledRow[19], /_-_0_\d+_unknown_response_code$/, 'the word uses the fills');
});
