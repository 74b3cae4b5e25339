import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { cliPath, tempDir } from '../helpers.js';
import { parseFeedback } from '../../src/feedback/read.js';
import { flowFeedbackLayout } from '../../src/flow/feedback.js';
import { createFeedbackTable } from '../../src/feedback/table.js';
import { DuckDbEngine } from '../../src/engine/duckdb.js';

/** `spot-ml ARGS` with a short time limit: a defect here used to loop forever. */
function cli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, timedOut: r.error !== undefined };
}

const event = ['--tstart', '2016-05-05 00:05:14', '--dip', '5.6.7.8', '--sport', '1', '--dport', '2', '--ipkt', '1', '--ibyt', '4'];
const FORGED = '3,2016-05-05 00:05:14,10.0.0.48,19.243.11.36,59353,443,1,234,TCP';

test('defect 1: a line break in a feedback field is refused, and a multi-line record already in a file is never read as a rating', () => {
  const dir = tempDir('fb-newline');
  const r = cli(['feedback', '--type', 'flow', '--rating', '1', '--file', 'f.csv', '--sip', `x\n${FORGED}\n`, ...event], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /sip holds a line break/);
  assert.ok(!existsSync(join(dir, 'f.csv')), 'nothing written');
  // A file written by an earlier version: the quoted field runs over two lines.
  const text = `sev,tstart,sip,dip,sport,dport,ipkt,ibyt,proto\n1,2016-05-05 00:05:14,"x\n${FORGED}\n",5.6.7.8,1,2,1,4,\n`;
  const parsed = parseFeedback(text, flowFeedbackLayout);
  assert.equal(parsed.rows.length, 0, 'the forged low-risk line is not a rating');
  assert.equal(parsed.problems.length, 1);
  assert.match(parsed.problems[0].problem, /quoted field runs on to line 4/);
  // The delimiter and quotes are quoted and read back as the same single field.
  const ok = cli(['feedback', '--type', 'flow', '--rating', '3', '--file', 'g.csv', '--sip', 'a,"b"', ...event], dir);
  assert.equal(ok.code, 0, ok.stderr);
  const back = parseFeedback(readFileSync(join(dir, 'g.csv'), 'utf8'), flowFeedbackLayout);
  assert.deepEqual(back.rows.map((row) => row.values.sip), ['a,"b"']);
});

test('defect 2: a dangling symlink (or a loop) as the feedback file is a clear error, not an endless loop', () => {
  const dir = tempDir('fb-link');
  symlinkSync('/nonexist/ml_feedback.csv', join(dir, 't.csv'));
  const r = cli(['feedback', '--type', 'flow', '--rating', '3', '--file', 't.csv', '--sip', '1.2.3.4', ...event], dir);
  assert.equal(r.timedOut, false);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /symbolic link to \/nonexist\/ml_feedback\.csv, which does not exist/);
  symlinkSync('b.csv', join(dir, 'a.csv'));
  symlinkSync('a.csv', join(dir, 'b.csv'));
  const loop = cli(['feedback', '--type', 'flow', '--rating', '3', '--file', 'a.csv', '--sip', '1.2.3.4', ...event], dir);
  assert.equal(loop.code, 2, loop.stderr);
  assert.match(loop.stderr, /symbolic links/);
  // A link to a real file is followed and the real file gets the line.
  writeFileSync(join(dir, 'real.csv'), 'sev,tstart,sip,dip,sport,dport,ipkt,ibyt\n');
  symlinkSync('real.csv', join(dir, 'link.csv'));
  assert.equal(cli(['feedback', '--type', 'flow', '--rating', '3', '--file', 'link.csv', '--sip', '1.2.3.4', ...event], dir).code, 0);
  assert.match(readFileSync(join(dir, 'real.csv'), 'utf8'), /\n3,2016-05-05 00:05:14,1\.2\.3\.4,/);
});

test('defect 3: feedback --results F --row N takes the N-th record when results hold multi-line quoted fields', () => {
  const dir = tempDir('fb-rows');
  const result = (sip: string) =>
    ['2016-05-05 00:05:14', '2016', '5', '5', '0', '5', '14', '0.0', sip, '5.6.7.8', '1', '2', 'TCP', '1', '4', '0', '0', '0.001'].join('\t');
  const sips = ['10.0.0.1', '"10.0.0.2\nsecond line"', '10.0.0.3', '"10.0.0.4\tx"', '10.0.0.5'];
  writeFileSync(join(dir, 'flow_results.csv'), sips.map(result).join('\n') + '\n');
  for (const [row, sip] of [[1, '10.0.0.1'], [3, '10.0.0.3'], [4, '10.0.0.4\tx'], [5, '10.0.0.5']] as const) {
    const r = cli(['feedback', '--type', 'flow', '--rating', '3', '--file', `fb${row}.csv`, '--results', 'flow_results.csv', '--row', String(row)], dir);
    if (row === 4) {
      // The tab is a control character: refused rather than written into a tab- or comma-separated line.
      assert.equal(r.code, 2, r.stderr);
      continue;
    }
    assert.equal(r.code, 0, r.stderr);
    const parsed = parseFeedback(readFileSync(join(dir, `fb${row}.csv`), 'utf8'), flowFeedbackLayout);
    assert.deepEqual(parsed.rows.map((x) => x.values.sip), [sip], `row ${row}`);
  }
  const two = cli(['feedback', '--type', 'flow', '--rating', '3', '--file', 'fb2.csv', '--results', 'flow_results.csv', '--row', '2'], dir);
  assert.equal(two.code, 2, 'the second record holds a line break: refused');
  assert.match(two.stderr, /sip holds a line break/);
  const six = cli(['feedback', '--type', 'flow', '--rating', '3', '--file', 'fb6.csv', '--results', 'flow_results.csv', '--row', '6'], dir);
  assert.equal(six.code, 2);
  assert.match(six.stderr, /has 5 rows; there is no row 6/);
});

test('defect 13: feedback refuses a file whose header is not a feedback header; control bytes are escaped in messages; the file is locked', () => {
  const dir = tempDir('fb-header');
  const name = 'evil\x1b]0;owned\x07.csv';
  writeFileSync(join(dir, name), 'hello,world\n1,2\n');
  const r = cli(['feedback', '--type', 'flow', '--rating', '3', '--file', name, '--sip', '1.2.3.4', ...event], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /does not start with a flow feedback header/);
  assert.equal(readFileSync(join(dir, name), 'utf8'), 'hello,world\n1,2\n', 'nothing appended');
  assert.ok(!r.stderr.includes('\x1b') && !r.stderr.includes('\x07'), 'no raw escape bytes');
  assert.match(r.stderr, /evil\\x1b\]0;owned\\x07\.csv/);

  const file = join(dir, 'ml_feedback.csv');
  writeFileSync(`${file}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), since: 'now' }));
  const held = cli(['feedback', '--type', 'flow', '--rating', '3', '--file', 'ml_feedback.csv', '--sip', '1.2.3.4', ...event], dir);
  assert.equal(held.code, 2, held.stderr);
  assert.match(held.stderr, new RegExp(`in use by process ${process.pid}\\b`));
  assert.ok(!existsSync(file));
});

test('a number with an invisible character JavaScript trims (a byte-order mark) reads as that number, not a failed cast (found by the fuzz test)', async () => {
  const text = `sev,tstart,sip,dip,sport,dport,ipkt,ibyt\n3,2016-05-05 00:05:14,10.0.0.1,172.16.0.1,1,2,3,44\uFEFF\n`;
  const parsed = parseFeedback(text, flowFeedbackLayout);
  assert.equal(parsed.rows.length, 1);
  const engine = await DuckDbEngine.open({ threads: 1 });
  try {
    await createFeedbackTable(engine, 'fb', flowFeedbackLayout, parsed.rows);
    assert.deepEqual(await engine.rows('SELECT ibyt FROM fb'), [{ ibyt: 44n }]);
  } finally {
    await engine.close();
  }
});
