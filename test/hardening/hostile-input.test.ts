import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flowRowsSql, query, reportAll, runCli, spotCheckRows, tempDir, withEngine, writeParquet } from '../helpers.js';
import { DuckDbEngine } from '../../src/engine/duckdb.js';
import { engineFailure } from '../../src/engine/failures.js';
import { SpotError } from '../../src/common/errors.js';

const flow = (input: string, scored: string, ...extra: string[]) => runCli(['--analysis', 'flow', '--input', input, '--scored', scored, ...reportAll, ...extra]);

test('defect 5: a day whose proto is NULL on every row is "no valid records" with the accounting (exit 2), not a SQL error', async () => {
  const dir = tempDir('null-proto');
  const input = join(dir, 'day.parquet');
  await writeParquet(input, flowRowsSql(spotCheckRows.map((r) => ({ ...r, proto: null }))));
  const r = flow(input, join(dir, 'scores'));
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /no valid flow records to model: of 10 rows read, 0 are invalid and 10 could not be featurised/);
  assert.doesNotMatch(r.stderr, /Parser Error|unexpected/);
});

test('defect 6: glob characters in real file names never double-count rows', async () => {
  const dir = tempDir('glob-names');
  const day = join(dir, 'day');
  mkdirSync(day);
  for (const name of ['a*.parquet', 'ab.parquet', 'ac.parquet', 'x?.parquet', 'x1.parquet', 'b[1].parquet', 'b1.parquet'])
    await writeParquet(join(day, name), flowRowsSql(spotCheckRows));
  const r = flow(day, join(dir, 'scores'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /70 rows read, 0 invalid, 0 could not be featurised, 70 scored/);
  const single = flow(join(day, 'a*.parquet'), join(dir, 'one'));
  assert.equal(single.code, 0, single.stderr);
  assert.match(single.stdout, /10 rows read/, 'a file named a*.parquet is that one file');
});

test('defect 11: a --scored folder (or its history) inside --input is refused before anything is written', async () => {
  const dir = tempDir('scored-inside');
  const day = join(dir, 'day');
  mkdirSync(day);
  await writeParquet(join(day, 'flows.parquet'), flowRowsSql(spotCheckRows));
  const r = flow(day, join(day, 'scores'));
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /is inside the input/);
  assert.ok(!existsSync(join(day, 'scores')));
  assert.ok(!existsSync(join(day, 'scores.runs')), 'no run folder (nor an empty history) left in the input');
  const g = flow(join(dir, '*', '*.parquet'), join(dir, 'day2', 'x'));
  assert.equal(g.code, 0, g.stderr);
  const again = flow(join(dir, '**', '*.parquet'), join(dir, 'day2', 'x'));
  assert.equal(again.code, 2, 'a pattern reaching into the results is refused');
  assert.match(again.stderr, /is inside the input/);
});

test('item 13: a row group the engine cannot decode is skipped and reported with its file and row group; the rest is analysed', async () => {
  const dir = tempDir('row-groups');
  const whole = join(dir, 'whole.parquet');
  const rows = Array.from({ length: 8192 }, (_, i) => ({ sport: 1000 + (i % 3000), trhour: i % 24, sip: `10.0.${i % 250}.${i % 7}` }));
  await withEngine((engine) => engine.exec(`COPY (${flowRowsSql(rows)}) TO '${whole}' (FORMAT parquet, ROW_GROUP_SIZE 2048, COMPRESSION snappy)`));
  const groups = await query(
    `SELECT row_group_id AS g, min(data_page_offset) AS at, any_value(row_group_num_rows) AS n FROM parquet_metadata('${whole}') GROUP BY g ORDER BY g`,
  );
  assert.ok(groups.length >= 2);
  const bytes = readFileSync(whole);
  for (let i = Number(groups[1].at) + 50; i < Number(groups[1].at) + 250; i += 7) bytes[i] ^= 0x55;
  const damaged = join(dir, 'damaged.parquet');
  writeFileSync(damaged, bytes);
  const scored = join(dir, 'scores');
  const r = flow(damaged, scored);
  assert.equal(r.code, 0, r.stderr);
  const skipped = Number(groups[1].n);
  const from = Number(groups[0].n);
  const read = (8192 - skipped).toLocaleString('en-US');
  assert.match(r.stdout, new RegExp(`${read} rows read, 0 invalid, 0 could not be featurised, ${read} scored`));
  assert.match(r.stdout, new RegExp(`${skipped} rows the engine cannot decode were skipped:\\n  .*damaged\\.parquet row group 1 \\(rows ${from}–${from + skipped - 1}\\)`));
  const summary = JSON.parse(readFileSync(join(scored, 'flow_summary.json'), 'utf8'));
  assert.equal(summary.undecodable.rows, skipped);
  assert.deepEqual(summary.undecodable.parts.map((p: { rowGroup: number }) => p.rowGroup), [1]);
  assert.equal(summary.rowsRead + summary.undecodable.rows, 8192, 'every row of the file is read or reported as undecodable');
});

test('defect 9: running out of memory is reported as such, naming --memory-limit, --threads and --spill-dir (exit 2), and --scored is unchanged', async () => {
  const engine = await DuckDbEngine.open({ memoryLimit: '1KB', threads: 1 });
  let failure: SpotError | undefined;
  try {
    await engine.rows(`SELECT count(*) FROM (SELECT DISTINCT i % 100000 AS k, repeat('x', 100) AS s FROM range(1000000) t(i))`);
  } catch (err) {
    failure = engineFailure(err);
  } finally {
    await engine.close();
  }
  assert.ok(failure, 'the engine failed with an out-of-memory error');
  assert.equal(failure.exitCode, 2);
  assert.match(failure.message, /ran out of memory/);
  for (const flag of ['--memory-limit', '--threads', '--spill-dir']) assert.ok(failure.message.includes(flag), flag);
  assert.doesNotMatch(failure.message, /SET threads/);

  const dir = tempDir('oom');
  const input = join(dir, 'day.parquet');
  await writeParquet(input, flowRowsSql(spotCheckRows));
  const scored = join(dir, 'scores');
  assert.equal(flow(input, scored).code, 0);
  const link = readlinkSync(scored);
  const r = flow(input, scored, '--memory-limit', '1KB', '--prgseed', '3');
  assert.equal(r.code, 2, r.stderr);
  assert.doesNotMatch(r.stderr, /cannot read the input as Parquet|unexpected/);
  assert.equal(readlinkSync(scored), link, 'nothing replaced at --scored');
});

test('defect 13: bad UTF-8 and corrupt pages name the file (exit 2); fractional trhour is invalid; column names match case-insensitively; control bytes in paths are escaped', async () => {
  const dir = tempDir('decode');
  const utf = join(dir, 'utf.parquet');
  await writeParquet(utf, flowRowsSql(spotCheckRows.map((r, i) => ({ ...r, sip: i === 3 ? 'QQQQQQQQ' : '10.0.2.115' }))));
  const bytes = readFileSync(utf);
  for (let at = bytes.indexOf('QQQQQQQQ'); at >= 0; at = bytes.indexOf('QQQQQQQQ', at + 1)) bytes[at] = 0xff;
  writeFileSync(utf, bytes);
  const u = flow(utf, join(dir, 'u'));
  assert.equal(u.code, 2, u.stderr);
  assert.match(u.stderr, /cannot decode[^]*utf\.parquet row group 0 \(rows 0–9\): .*not valid UTF8/);

  const big = join(dir, 'big.parquet');
  await writeParquet(big, flowRowsSql(Array.from({ length: 2000 }, (_, i) => ({ sport: 1000 + i, trhour: i % 24 }))));
  const damaged = readFileSync(big);
  for (let i = 200; i < damaged.length / 2; i += 97) damaged[i] ^= 0x5a;
  const corrupt = join(dir, 'corrupt.parquet');
  writeFileSync(corrupt, damaged);
  const c = flow(corrupt, join(dir, 'c'));
  assert.equal(c.code, 2, c.stderr);
  assert.match(c.stderr, /cannot decode[^]*corrupt\.parquet/);
  assert.ok(!existsSync(join(dir, 'c')), 'no empty results folder');

  const frac = join(dir, 'frac.parquet');
  await writeParquet(frac, `SELECT * REPLACE (CAST(trhour AS DOUBLE) + CASE WHEN trhour = 13 THEN 0.5 ELSE 0 END AS trhour) FROM (${flowRowsSql(spotCheckRows)})`);
  const f = flow(frac, join(dir, 'f'));
  assert.equal(f.code, 0, f.stderr);
  assert.match(f.stdout, /10 rows read, 9 invalid, 0 could not be featurised, 1 scored/);
  assert.doesNotMatch(readFileSync(join(dir, 'f', 'flow_results.csv'), 'utf8'), /13\.5/);

  const upper = join(dir, 'upper.parquet');
  await writeParquet(upper, `SELECT * RENAME (sip AS SIP, proto AS Proto) FROM (${flowRowsSql(spotCheckRows)})`);
  const up = flow(upper, join(dir, 'up'));
  assert.equal(up.code, 0, up.stderr);
  assert.match(up.stdout, /10 rows read, 0 invalid/);
  const [{ n }] = await query(`SELECT count(DISTINCT column04) AS n FROM read_csv('${join(dir, 'up', 'flow_results.csv')}', delim = '\t', header = false)`);
  assert.equal(Number(n), 2);

  const evil = join(dir, 'evil\x1b[2J\x07.parquet');
  const e = flow(evil, join(dir, 'e'));
  assert.equal(e.code, 2);
  assert.ok(!e.stderr.includes('\x1b') && !e.stderr.includes('\x07'), 'no raw control bytes on the terminal');
  assert.match(e.stderr, /evil\\x1b\[2J\\x07\.parquet/);
});
