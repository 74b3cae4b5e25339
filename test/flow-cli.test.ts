import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkSpotScores, flowRowsSql, query, readResults, runCli, spotCheckRows, tempDir, writeParquet, type FlowRow } from './helpers.js';

const SCORE = 17; // index of the score column in flow results

test("Spot's end-to-end check through the CLI on a Parquet file (em)", async () => {
  const dir = tempDir();
  const input = join(dir, 'flows.parquet');
  await writeParquet(input, flowRowsSql(spotCheckRows));
  const scored = join(dir, 'scored');
  const r = runCli(['--analysis', 'flow', '--input', input, '--scored', scored, '--threshold', '1', '--maxresults', '-1',
    '--ldatopiccount', '20', '--ldaoptimizer', 'em', '--ldaalpha', '1.02', '--ldabeta', '1.001', '--ldamaxiterations', '20']);
  assert.equal(r.code, 0, r.stderr);
  checkSpotScores(join(scored, 'flow_results.csv'));
  assert.match(r.stdout, /10 rows read, 0 invalid, 0 could not be featurised, 10 scored, 10 reported/);
  const docs = await query(`SELECT document_name, len(topic_prob_mix) AS k FROM '${scored}/model/document_topics.parquet' ORDER BY 1`);
  assert.deepEqual(docs, [{ document_name: '10.0.2.115', k: 20n }, { document_name: '172.16.0.107', k: 20n }]);
  const words = await query(`SELECT count(*) AS n, min(list_sum(topic_probs)) AS lo FROM '${scored}/model/word_topics.parquet'`);
  assert.equal(words[0].n, 4n);
});

const dirtyRows: FlowRow[] = [
  { sport: 2132, dport: 23 },
  { sport: 80, dport: 51000, ibyt: 5000, ipkt: 9 },
  { sport: 0, dport: 0, ibyt: 0, ipkt: 0 },
  { trhour: 24 }, { trhour: -1 }, { trminute: 60 }, { trsec: 61 }, { trhour: null },
  { treceived: null }, { sip: null }, { dip: null },
  { sport: -5 }, { dport: -1 }, { ibyt: -100 }, { ipkt: -2 }, { sport: null }, { ibyt: null },
  { proto: null },
  { sip: '10.9.9.9', dport: 443, sport: 50000, trhour: 3 },
];

for (const scoring of ['spot', 'robust']) test(`${scoring}: every input row is either in the results or among the saved invalid records, and the counts match`, async () => {
  const dir = tempDir();
  const input = join(dir, 'day');
  mkdirSync(join(input, 'h=01'), { recursive: true });
  mkdirSync(join(input, 'h=02'), { recursive: true });
  await writeParquet(join(input, 'h=01', 'a.parquet'), flowRowsSql(dirtyRows.slice(0, 10)));
  await writeParquet(join(input, 'h=02', 'b.parquet'), flowRowsSql(dirtyRows.slice(10)));
  const scored = join(dir, 'scored');
  const r = runCli(['--analysis', 'flow', '--input', input, '--scored', scored, '--threshold', '1', '--maxresults', '-1', '--scoring', scoring]);
  assert.equal(r.code, 0, r.stderr);
  const results = readResults(join(scored, 'flow_results.csv'));
  const [invalid] = await query(`SELECT count(*) AS n FROM '${scored}/invalid_records/invalid.parquet'`);
  const [unfeaturised] = await query(`SELECT count(*) AS n FROM '${scored}/invalid_records/word_error.parquet'`);
  assert.equal(Number(invalid.n), 14);
  assert.equal(Number(unfeaturised.n), 1);
  assert.equal(results.length, 4);
  assert.equal(results.length + Number(invalid.n) + Number(unfeaturised.n), dirtyRows.length);
  assert.match(r.stdout, /19 rows read, 14 invalid, 1 could not be featurised, 4 scored, 4 reported/);
  const summary = JSON.parse(readFileSync(join(scored, 'flow_summary.json'), 'utf8'));
  assert.equal(summary.rowsRead, 19);
  // invalid rows are saved unchanged
  const saved = await query(`SELECT trhour, sport, ibyt FROM '${scored}/invalid_records/invalid.parquet' WHERE trhour = 24 OR sport = -5 OR ibyt = -100 ORDER BY ALL`);
  assert.equal(saved.length, 3);
});

test('same input and seed give byte-identical results; threshold and maxresults select the lowest scores', async () => {
  const dir = tempDir();
  const input = join(dir, 'day.parquet');
  const rows: FlowRow[] = [];
  for (let i = 0; i < 60; i++) {
    rows.push({ sip: `10.0.0.${i % 7}`, dip: `172.16.0.${i % 5}`, sport: 40000 + i, dport: [80, 443, 53, 22][i % 4], trhour: i % 24, ibyt: 100 * (i % 9) + 40, ipkt: 1 + (i % 4), proto: i % 4 === 2 ? 'UDP' : 'TCP' });
  }
  await writeParquet(input, flowRowsSql(rows));
  const run = (name: string, ...extra: string[]) => {
    const scored = join(dir, name);
    const r = runCli(['--analysis', 'flow', '--input', input, '--scored', scored, '--prgseed', '7', ...extra]);
    assert.equal(r.code, 0, r.stderr);
    return readFileSync(join(scored, 'flow_results.csv'), 'utf8');
  };
  const all = run('a', '--threshold', '1', '--maxresults', '-1');
  assert.equal(run('b', '--threshold', '1', '--maxresults', '-1'), all);
  const allRows = all.trim().split('\n').map((l) => l.split('\t'));
  assert.equal(allRows.length, 60);
  const scores = allRows.map((r) => Number(r[SCORE]));
  assert.deepEqual([...scores].sort((a, b) => a - b), scores, 'ascending by score');
  const top5 = run('c', '--threshold', '1', '--maxresults', '5');
  assert.equal(top5, allRows.slice(0, 5).map((r) => r.join('\t')).join('\n') + '\n');
  const cut = scores[20];
  const below = run('d', '--threshold', String(cut), '--maxresults', '-1').trim().split('\n');
  assert.equal(below.length, scores.filter((s) => s <= cut).length);
  assert.ok(below.every((l) => Number(l.split('\t')[SCORE]) <= cut));
  const other = run('e', '--threshold', '1', '--maxresults', '-1', '--prgseed', '8');
  assert.notEqual(other, all, 'a different seed gives a different model');
});

test('a missing column and a string-typed numeric column stop the run before any work, naming each column', async () => {
  const dir = tempDir();
  const input = join(dir, 'bad.parquet');
  await writeParquet(input, `SELECT * EXCLUDE (proto, ibyt) REPLACE (CAST(sport AS VARCHAR) AS sport), CAST(ibyt AS VARCHAR) AS ibyt FROM (${flowRowsSql([{}])})`);
  const scored = join(dir, 'scored');
  const r = runCli(['--analysis', 'flow', '--input', input, '--scored', scored]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /proto: expected string, found no such column/);
  assert.match(r.stderr, /sport: expected int \(any integer or floating type\), found VARCHAR/);
  assert.match(r.stderr, /ibyt: expected long \(any integer or floating type\), found VARCHAR/);
  assert.ok(!existsSync(scored), 'no work done, nothing written');
});

test('any integer or floating width is accepted where numbers are expected', async () => {
  const dir = tempDir();
  const input = join(dir, 'wide.parquet');
  await writeParquet(input, `SELECT * REPLACE (CAST(trhour AS DOUBLE) AS trhour, CAST(sport AS BIGINT) AS sport, CAST(dport AS SMALLINT) AS dport,
    CAST(ibyt AS DOUBLE) AS ibyt, CAST(ipkt AS INTEGER) AS ipkt, CAST(tdur AS DOUBLE) AS tdur) FROM (${flowRowsSql(spotCheckRows)})`);
  const scored = join(dir, 'scored');
  const r = runCli(['--analysis', 'flow', '--input', input, '--scored', scored, '--threshold', '1']);
  assert.equal(r.code, 0, r.stderr);
  checkSpotScores(join(scored, 'flow_results.csv'));
});

test('a corrupt Parquet file, an empty folder and an input without rows each get their own clear message', async () => {
  const dir = tempDir();
  const corrupt = join(dir, 'corrupt.parquet');
  writeFileSync(corrupt, 'this is not parquet at all, just some text pretending');
  let r = runCli(['--analysis', 'flow', '--input', corrupt, '--scored', join(dir, 's1')]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /cannot read the input as Parquet.*corrupt\.parquet/);

  const empty = join(dir, 'empty');
  mkdirSync(empty);
  r = runCli(['--analysis', 'flow', '--input', empty, '--scored', join(dir, 's2')]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /no Parquet files .* found under the folder/);

  const noRows = join(dir, 'norows.parquet');
  await writeParquet(noRows, `SELECT * FROM (${flowRowsSql([{}])}) WHERE false`);
  r = runCli(['--analysis', 'flow', '--input', noRows, '--scored', join(dir, 's3')]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /the input has no rows/);

  r = runCli(['--analysis', 'flow', '--input', join(dir, 'nope', '*.parquet'), '--scored', join(dir, 's4')]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /no files match the input pattern/);
  for (const s of ['s1', 's2', 's3', 's4']) assert.ok(!existsSync(join(dir, s, 'flow_results.csv')));
});

test("the wrapper form reads spot.conf, finds the day's data and writes where Spot did", async () => {
  const dir = tempDir();
  const day = join(dir, 'huser', 'flow', 'hive', 'y=2016', 'm=05', 'd=05');
  mkdirSync(join(day, 'h=00'), { recursive: true });
  mkdirSync(join(day, 'h=13'), { recursive: true });
  await writeParquet(join(day, 'h=00', 'part-0.parquet'), flowRowsSql(spotCheckRows.slice(0, 1)));
  await writeParquet(join(day, 'h=13', 'part-0.parquet'), flowRowsSql(spotCheckRows.slice(1)));
  // a decoy day that must not be read
  mkdirSync(join(dir, 'huser', 'flow', 'hive', 'y=2016', 'm=05', 'd=06'), { recursive: true });
  await writeParquet(join(dir, 'huser', 'flow', 'hive', 'y=2016', 'm=05', 'd=06', 'x.parquet'), flowRowsSql([{ sip: '1.1.1.1' }]));
  const conf = join(dir, 'spot.conf');
  writeFileSync(conf, [
    '# Spot configuration',
    `HUSER="${join(dir, 'huser')}"`,
    'NODES=(node-1 node-2)   # ignored',
    'FLOW_PATH=${HUSER}/${DSOURCE}/hive/y=${YR}/m=${MH}/d=${DY}/',
    "HPATH=${HUSER}/${DSOURCE}/scored_results/${FDATE}",
    'TOPIC_COUNT=20',
    "TOL=1.1",
    'LDA_OPTIMIZER=',
    'SPK_EXEC=400',
    'export KRB_AUTH=false',
  ].join('\n'));
  const r = runCli(['20160505', 'flow', '--conf', conf]);
  assert.equal(r.code, 0, r.stderr);
  const results = join(dir, 'huser', 'flow', 'scored_results', '20160505', 'scores', 'flow_results.csv');
  checkSpotScores(results);
  assert.match(r.stdout, /10 rows read/);

  // positional threshold and max results; SPOT_CONF and ./spot.conf are looked up too
  const r2 = runCli(['20160505', 'flow', '1', '3'], { env: { SPOT_CONF: conf } });
  assert.equal(r2.code, 0, r2.stderr);
  assert.equal(readResults(results).length, 3);
  const r4 = runCli(['20160505', 'flow', '1', '-1', '--conf', conf]);
  assert.equal(r4.code, 0, r4.stderr);
  assert.equal(readResults(results).length, 10, 'a negative MAXRESULTS means no limit');
  const r3 = runCli(['20160505', 'flow', '1e-30'], { cwd: dir });
  assert.equal(r3.code, 0, r3.stderr);
  assert.equal(readFileSync(results, 'utf8'), '');
  assert.deepEqual(readdirSync(join(dir, 'huser', 'flow', 'scored_results', '20160505', 'scores')).filter((f) => f.startsWith('.')), []);
});

test('bad flags and values get one clear message and a non-zero exit', () => {
  const cases: [string[], RegExp][] = [
    [['--analysis', 'flow', '--input', 'x', '--scored', 'y', '--threshold', 'abc'], /--threshold expects a number/],
    [['--analysis', 'nope'], /nope.*invalid|Allowed choices/i],
    [['--analysis', 'flow', '--scored', 'y'], /--input is required/],
    [['2016-05-05', 'flow'], /YYYYMMDD/],
    [['20160505', 'flow', '--conf', '/nonexistent/spot.conf'], /cannot read spot.conf/],
  ];
  for (const [args, pattern] of cases) {
    const r = runCli(args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.stderr, pattern, args.join(' '));
  }
});

test('fields holding the delimiter, a quote or a line break are quoted so no row is split', async () => {
  const dir = tempDir();
  const input = join(dir, 'odd.parquet');
  await writeParquet(input, flowRowsSql([{ proto: 'T\tC"P' }, { proto: 'UD\nP', sip: '10.1.1.1' }, {}]));
  const scored = join(dir, 'scored');
  const r = runCli(['--analysis', 'flow', '--input', input, '--scored', scored, '--threshold', '1']);
  assert.equal(r.code, 0, r.stderr);
  const [parsed] = await query(`SELECT count(*) AS n, count(*) FILTER (WHERE proto = 'T\tC"P') AS tabbed, count(*) FILTER (WHERE proto = 'UD\nP') AS broken
    FROM read_csv('${scored}/flow_results.csv', delim = '\t', quote = '"', escape = '"', header = false,
      columns = {${['treceived', 'tryear', 'trmonth', 'trday', 'trhour', 'trminute', 'trsec', 'tdur', 'sip', 'dip', 'sport', 'dport', 'proto', 'ipkt', 'ibyt', 'opkt', 'obyt', 'score'].map((c) => `'${c}': 'VARCHAR'`).join(', ')}})`);
  assert.deepEqual(parsed, { n: 3n, tabbed: 1n, broken: 1n });
});

test('a failed run leaves the previous complete results in place and no partial files', async () => {
  const dir = tempDir();
  const input = join(dir, 'flows.parquet');
  await writeParquet(input, flowRowsSql(spotCheckRows));
  const scored = join(dir, 'scored');
  assert.equal(runCli(['--analysis', 'flow', '--input', input, '--scored', scored, '--threshold', '1']).code, 0);
  const before = readFileSync(join(scored, 'flow_results.csv'), 'utf8');
  const r = runCli(['--analysis', 'flow', '--input', input, '--scored', scored, '--threshold', '1', '--ldaalpha', '0.5']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /alpha/i);
  assert.equal(readFileSync(join(scored, 'flow_results.csv'), 'utf8'), before);
  const leftovers = readdirSync(scored, { recursive: true }).map(String).filter((f) => f.includes('.tmp'));
  assert.deepEqual(leftovers, []);
});

test('progress goes to stderr and the closing summary to stdout', async () => {
  const dir = tempDir();
  const input = join(dir, 'flows.parquet');
  await writeParquet(input, flowRowsSql(spotCheckRows));
  const r = runCli(['--analysis', 'flow', '--input', input, '--scored', join(dir, 's')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /words and corpus: [\d.]+ s/);
  assert.match(r.stderr, /LDA em 20\/20 logLikelihood/);
  assert.match(r.stderr, /scoring and writing results: [\d.]+ s/);
  assert.doesNotMatch(r.stdout, /LDA em/);
  assert.match(r.stdout, /^spot-ml flow: 10 rows read, 0 invalid, 0 could not be featurised, 10 scored, 0 reported in [\d.]+ s$/m);
});
