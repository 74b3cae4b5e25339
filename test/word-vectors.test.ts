import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dnsColumns, proxyColumns } from './columns.js';
import { readResults, readVectors, reportAll, runCli, tempDir, withEngine, writeRowsParquet } from './helpers.js';
import { sqlString } from '../src/engine/engine.js';

const proxyFields = Object.keys(proxyColumns);

test('the proxy word vectors hold through the whole CLI pipeline', async () => {
  const { proxy } = await readVectors();
  const dir = await tempDir('proxy-vectors');
  const input = join(dir, 'proxy.parquet');
  await writeRowsParquet(input, proxyColumns, proxy.rows.map((r: Record<string, unknown>) => Object.fromEntries(proxyFields.map((f) => [f, r[f]]))));
  const top = join(dir, 'top-1m.csv');
  await writeFile(top, '1,google.com\n2,bronto.com\n3,youtube.com\n');
  const scored = join(dir, 'scored');
  const run = runCli(['--analysis', 'proxy', '--input', input, '--scored', scored, '--userdomain', proxy.userDomain, '--top-domains', top, ...reportAll]);
  assert.equal(run.code, 0, run.stderr);
  const results = await readResults(join(scored, 'proxy_results.csv'));
  assert.equal(results.length, proxy.rows.length);
  const wordAt = proxyFields.length;
  for (const row of proxy.rows) {
    const found = results.find((f) => f[proxyFields.indexOf('p_time')] === row.p_time);
    assert.ok(found, row.p_time);
    assert.equal(found.length, proxyFields.length + 2, 'all columns, the word and the score');
    assert.equal(found[wordAt], row.word, `word of the ${row.p_time} request`);
  }
});

test('the DNS word vector holds through the whole CLI pipeline (the model vocabulary)', async () => {
  const { dns } = await readVectors();
  const dir = await tempDir('dns-vectors');
  const input = join(dir, 'dns.parquet');
  const fields = Object.keys(dnsColumns);
  for (const v of dns) {
    await writeRowsParquet(input, dnsColumns, [Object.fromEntries(fields.map((f) => [f, v[f]]))]);
    const top = join(dir, 'top.csv');
    await writeFile(top, v.topDomains.map((d: string, i: number) => `${i + 1},${d}.com`).join('\n'));
    const scored = join(dir, 'scored');
    const run = runCli(['--analysis', 'dns', '--input', input, '--scored', scored, '--userdomain', v.userDomain, '--top-domains', top, ...reportAll]);
    assert.equal(run.code, 0, run.stderr);
    const words = await withEngine((e) => e.rows(`SELECT word_name FROM read_parquet(${sqlString(join(scored, 'model', 'word_topics.parquet'))})`));
    assert.deepEqual(words.map((w) => w.word_name), [v.word]);
    const [result] = await readResults(join(scored, 'dns_results.csv'));
    assert.deepEqual(result.slice(0, 8), fields.map((f) => String(v[f])));
  }
});

test('DNS hour: the 4th whitespace-separated token of frame_time up to its first colon, 0..23, else a word error', async () => {
  const { dns } = await readVectors();
  const dir = await tempDir('dns-hour');
  const input = join(dir, 'dns.parquet');
  const fields = Object.keys(dnsColumns);
  const times = {
    'May  5 2016 07:01:02.5 UTC': '7',
    '   May 5 2016 23:59:59 UTC': '23',
    'May\t5  2016  0:00': '0',
    'May 5 2016 12': '12',
    'May 5 2016 24:00:00 UTC': undefined,
    'May 5 2016': undefined,
    'May 5 2016 1a:00:00 UTC': undefined,
  };
  const rows = Object.keys(times).map((t) => ({ ...Object.fromEntries(fields.map((f) => [f, dns[0][f]])), frame_time: t }));
  await writeRowsParquet(input, dnsColumns, rows);
  const scored = join(dir, 'scored');
  const run = runCli(['--analysis', 'dns', '--input', input, '--scored', scored, '--userdomain', 'apache', ...reportAll]);
  assert.equal(run.code, 0, run.stderr);
  const words = await withEngine((e) => e.rows(`SELECT word_name FROM read_parquet(${sqlString(join(scored, 'model', 'word_topics.parquet'))})`));
  const hours = words.map((w) => String(w.word_name).split('_')[2]).sort();
  assert.deepEqual(hours, Object.values(times).filter((h) => h !== undefined).sort());
  const summary = JSON.parse(await readFile(join(scored, 'dns_summary.json'), 'utf8'));
  assert.equal(summary.notFeaturised, 3);
});
