import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { query, runCli, tempDir } from './helpers.js';

test('demo --raw starts from raw nfdump CSV, tshark CSV and Squid logs, ingests them and analyses the days', async () => {
  const out = tempDir('demo-raw');
  const r = runCli(['demo', '--raw', '--out', out, '--hosts', '20', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const firstLine = (type: string, file: string) => readFileSync(join(out, 'raw', type, file), 'utf8').slice(0, 400).split('\n');
  assert.match(firstLine('flow', 'nfdump.csv')[0], /^ts,te,td,sa,da,sp,dp,pr,flg,.*,ra,eng,exid,tr$/);
  assert.match(firstLine('dns', 'tshark.csv')[1], /^May {2}5, 2016 \d\d:\d\d:\d\d\.\d{9} UTC,\d+\.\d{9},/);
  assert.match(firstLine('proxy', 'access.log')[0], /^\d+\.\d{3} +\d+ 10\.\d+\.\d+\.\d+ TCP_MISS\/\d{3} \d+ [A-Z]+ https?:\/\/\S+ - HIER_DIRECT\/\S+ \S+$/);
  for (const [type, events] of [['flow', 20 * 100 + 27], ['dns', 20 * 60 + 6], ['proxy', 20 * 60 + 3]] as const) {
    assert.match(r.stdout, new RegExp(`raw [^\\n]*/raw/${type}/[^\\n]*\\n[^]*?rows written: ${events.toLocaleString('en-US')}, rejected lines: 0`), type);
    const day = join(out, type, 'hive', 'y=2016', 'm=05', 'd=05');
    const [{ n }] = await query(`SELECT count(*) AS n FROM read_parquet('${day}/**/*.parquet')`);
    assert.equal(Number(n), events, `${type} rows in the day`);
    const results = join(out, type, 'scored_results', '20160505', 'scores', `${type}_results.csv`);
    assert.ok(readFileSync(results, 'utf8').split('\n').length > 10, `${type} results`);
  }
});
