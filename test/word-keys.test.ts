import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineSqlHelpers } from '../src/common/sql-helpers.js';
import { flowWordOfKey, withFlowWords } from '../src/flow/words.js';
import { dnsAnalysis } from '../src/dns/analysis.js';
import { dnsColumns } from './columns.js';
import { flowRowsSql, query, runCli, tempDir, withEngine, writeParquet, writeRowsParquet, type FlowRow } from './helpers.js';

/** Every port rule, both prefix sides, several protocols, extreme counters and hours. */
const ruleRows: FlowRow[] = [
  { sport: 0, dport: 0 },
  { sport: 0, dport: 443 },
  { sport: 51000, dport: 0, proto: 'UDP' },
  { sport: 53, dport: 123, proto: 'UDP' },
  { sport: 22, dport: 60000 },
  { sport: 60000, dport: 1024 },
  { sport: 1025, dport: 65535, proto: 'ICMP', trhour: 0 },
  { sport: 65535, dport: 1, proto: 'GRE', trhour: 23, ibyt: 9007199254740000, ipkt: 4000000000 },
  { sport: 1, dport: 0, proto: '', ibyt: 0, ipkt: 0 },
  { sport: 80, dport: 80, proto: 'tcp' },
];

test('flow word keys decode to exactly the word text (every rule, side, protocol and bin)', async () => {
  const protos = ['', 'GRE', 'ICMP', 'TCP', 'UDP', 'tcp'];
  const rows = await withEngine(async (engine) => {
    await defineSqlHelpers(engine);
    return engine.rows(`
      SELECT spot_word_src AS src, spot_word_dst AS dst,
             ${flowWordOfKey('spot_key_src', protos)} AS src_from_key, ${flowWordOfKey('spot_key_dst', protos)} AS dst_from_key
      FROM (${withFlowWords(`(${flowRowsSql(ruleRows)})`, 'true', protos)})`);
  });
  assert.equal(rows.length, ruleRows.length);
  for (const r of rows) {
    assert.equal(r.src_from_key, r.src);
    assert.equal(r.dst_from_key, r.dst);
  }
  assert.ok(rows.some((r) => String(r.src).startsWith('-1_')) && rows.some((r) => String(r.dst).startsWith('-1_')));
});

/**
 * Analyses a day stored with key-friendly column types and the same day with a column that cannot be
 * packed (counted by the word text); asserts identical results (all `rows` reported) and model, and
 * returns the model's words.
 */
async function assertKeyedMatchesText(dir: string, args: readonly string[], keyed: string, text: string, rows: number) {
  const type = args[args.indexOf('--analysis') + 1];
  const outputs = [keyed, text].map((input, i) => {
    const scored = join(dir, `scored${i}`);
    const r = runCli([...args, '--input', input, '--scored', scored, '--threshold', '1', '--maxresults', '-1', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    return scored;
  });
  const results = outputs.map((s) => readFileSync(join(s, `${type}_results.csv`), 'utf8'));
  assert.equal(results[0].split('\n').filter(Boolean).length, rows);
  assert.equal(results[1], results[0]);
  const words = await Promise.all(outputs.map((s) => query(`SELECT word_name, topic_probs FROM '${join(s, 'model', 'word_topics.parquet')}'`)));
  assert.deepEqual(words[1], words[0]);
  return words[0];
}

test('a day counted by word keys and the same day counted by word text give identical results and model', async () => {
  const dir = tempDir('flow-keys');
  const base = `SELECT * FROM (${flowRowsSql(ruleRows.flatMap((r, i) => [r, { ...r, sip: `10.0.9.${i}` }]))})`;
  const day = `${base} UNION ALL SELECT * FROM (${flowRowsSql(
    Array.from({ length: 300 }, (_, i) => ({ sip: `10.0.1.${i % 13}`, dip: `10.0.2.${i % 7}`, sport: 40000 + (i % 50), dport: [80, 443, 53][i % 3], trhour: i % 24, ibyt: 60 + i * 37, ipkt: 1 + (i % 9) })),
  )})`;
  const keyed = join(dir, 'keyed.parquet');
  const text = join(dir, 'text.parquet');
  await writeParquet(keyed, day);
  // 64-bit ports cannot be packed: that day is counted by the word text.
  await writeParquet(text, `SELECT * REPLACE (CAST(sport AS BIGINT) AS sport) FROM (${day})`);
  const words = await assertKeyedMatchesText(dir, ['--analysis', 'flow'], keyed, text, 320);
  assert.ok(words.some((w) => w.word_name === '-1_1_GRE_23_53_32'), 'the largest bins and a rare protocol are words');
});

const dnsRow = (over: object, n: number) => ({
  frame_time: `May  5 2016 ${String(n % 24).padStart(2, '0')}:32:45.5 UTC`,
  unix_tstamp: 1462437165 + n,
  frame_len: [0, 1, 80, 2147483647][n % 4],
  ip_dst: `10.0.0.${1 + (n % 5)}`,
  dns_qry_name: ['www.google.com', 'mail.acme.com', 'x.example.net', 'a9f03be1c2d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8.tunnel.biz', 'localhost'][n % 5],
  dns_qry_class: '0x00000001',
  dns_qry_type: [1, 28, 65535, 2147483647, -2147483648, null][n % 6],
  dns_qry_rcode: [0, 3, null, 23][n % 4],
  ...over,
});

test('DNS word keys decode to exactly the word text (classes, bins, extreme types and rcodes, filled nulls)', async () => {
  const dir = tempDir('dns-keys');
  const input = join(dir, 'dns.parquet');
  await writeRowsParquet(input, dnsColumns, Array.from({ length: 48 }, (_, n) => dnsRow({}, n)));
  const top = join(dir, 'top.csv');
  writeFileSync(top, '1,google.com\n');
  const rows = await withEngine(async (engine) => {
    await defineSqlHelpers(engine);
    await engine.exec(`CREATE VIEW input_view AS SELECT *, ${dnsAnalysis.cleanPredicate} AS spot_clean FROM '${input}'`);
    const keys = await dnsAnalysis.featurize(engine, { userDomain: 'acme', topDomainsFile: top });
    assert.ok(keys, 'INTEGER type and rcode: the words are keyed');
    return engine.rows(`SELECT spot_word AS word, ${keys.wordOfKey(keys.keys[0])} AS from_key FROM featured_view`);
  });
  assert.equal(rows.length, 48);
  for (const r of rows) assert.equal(r.from_key, r.word);
  const classes = new Set(rows.map((r) => String(r.word).split('_')[0]));
  assert.deepEqual([...classes].sort(), ['0', '1', '2']);
  assert.ok(rows.some((r) => String(r.word).endsWith('_-2147483648_0')) && rows.some((r) => String(r.word).includes('_-1_')));
});

test('a DNS day counted by word keys and by word text gives identical results and model', async () => {
  const dir = tempDir('dns-keys-day');
  const rows = Array.from({ length: 400 }, (_, n) => dnsRow({ frame_len: 60 + ((n * 37) % 500) }, n));
  const keyed = join(dir, 'keyed.parquet');
  const text = join(dir, 'text.parquet');
  await writeRowsParquet(keyed, dnsColumns, rows);
  // A 64-bit type column cannot be packed: that day is counted by the word text.
  await writeRowsParquet(text, { ...dnsColumns, dns_qry_type: 'BIGINT' }, rows);
  await assertKeyedMatchesText(dir, ['--analysis', 'dns', '--userdomain', 'acme'], keyed, text, 400);
});
