import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineSqlHelpers } from '../src/common/sql-helpers.js';
import { flowWordOfKey, withFlowWords } from '../src/flow/words.js';
import { flowRowsSql, query, runCli, tempDir, withEngine, writeParquet, type FlowRow } from './helpers.js';

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
  const outputs = [keyed, text].map((input, i) => {
    const scored = join(dir, `scored${i}`);
    const r = runCli(['--analysis', 'flow', '--input', input, '--scored', scored, '--threshold', '1', '--maxresults', '-1', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    return scored;
  });
  const results = outputs.map((s) => readFileSync(join(s, 'flow_results.csv'), 'utf8'));
  assert.equal(results[0].split('\n').filter(Boolean).length, 320);
  assert.equal(results[1], results[0]);
  const words = await Promise.all(
    outputs.map((s) => query(`SELECT word_name, topic_probs FROM '${join(s, 'model', 'word_topics.parquet')}'`)),
  );
  assert.deepEqual(words[1], words[0]);
  assert.ok(words[0].some((w) => w.word_name === '-1_1_GRE_23_53_32'), 'the largest bins and a rare protocol are words');
});
