import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from './helpers.js';

/**
 * Every flag is checked, with its range, before any input is read (issue 11, defect 10): each case names a
 * missing input, so the flag's message must come first, and nothing may be created at --scored.
 */
const cases: [string[], RegExp][] = [
  [['--ldaalpha', '0.5'], /--ldaalpha must be greater than 1.*em/],
  [['--ldabeta', '1'], /--ldabeta must be greater than 1/],
  [['--ldaoptimizer', 'online', '--ldaalpha', '0'], /--ldaalpha must be greater than 0/],
  [['--ldabeta', '1e308'], /--ldabeta must be at most 1000/],
  [['--prgseed', '1e300'], /--prgseed must be a whole number/],
  [['--prgseed', '1.5'], /--prgseed expects a whole number/],
  [['--delimiter', '"'], /--delimiter cannot be a quote or a line break/],
  [['--delimiter', '\n'], /--delimiter cannot be a quote or a line break/],
  [['--delimiter', '\r'], /--delimiter cannot be a quote or a line break/],
  [['--delimiter', ';;'], /--delimiter must be one character/],
  [['--maxresults', '1e21'], /--maxresults must be a whole number/],
  [['--maxresults', '0'], /--maxresults must be -1 \(no limit\) or at least 1/],
  [['--maxresults', '-2'], /--maxresults must be at least -1/],
  [['--threshold', 'Infinity'], /--threshold must be a finite number/],
  [['--ldatopiccount', '1e9'], /--ldatopiccount must be at most 1000/],
  [['--ldamaxiterations', '1e9'], /--ldamaxiterations must be at most 100000/],
  [['--threads', '100000'], /--threads must be at most 256/],
  [['--dupfactor', '1e12'], /--dupfactor must be at most 1000000/],
  [['--memory-limit', 'banana'], /--memory-limit must be a size/],
  [['--memory-limit', '0'], /--memory-limit must be at least 64MiB/],
  [['--memory-limit=-5GB'], /--memory-limit must be a size/],
  [['--memory-limit', '1KB'], /--memory-limit must be at least 64MiB/],
];

test('each out-of-range flag stops the run with exit 2 and a message naming it, before the input is read', () => {
  const dir = tempDir('flags');
  for (const [flags, pattern] of cases) {
    const scored = join(dir, 'scored');
    const r = runCli(['--analysis', 'flow', '--input', join(dir, 'no-such-day'), '--scored', scored, '-q', ...flags]);
    const what = flags.join(' ');
    assert.equal(r.code, 2, `${what}: ${r.stderr}`);
    assert.match(r.stderr, pattern, what);
    assert.doesNotMatch(r.stderr, /input not found|unexpected/, what);
    assert.equal(r.stderr.trim().split('\n').length, 1, `${what}: one line`);
    assert.match(r.stderr, /^spot-ml: /, what);
    assert.equal(existsSync(scored), false, `${what}: nothing written`);
  }
});

test('sizes are read as DuckDB writes them, and good flags pass the checks (the missing input is then the error)', () => {
  const dir = tempDir('flags-ok');
  for (const flags of [['--memory-limit', '1.5GiB'], ['--memory-limit', '800MB'], ['--memory-limit', '2 GB'], ['--delimiter', '\\t'],
    ['--delimiter', ','], ['--maxresults', '-1'], ['--ldaoptimizer', 'online', '--ldaalpha', '0.1', '--ldabeta', '0.01'], ['--threads', '2'], ['--prgseed', '-7']]) {
    const r = runCli(['--analysis', 'flow', '--input', join(dir, 'no-such-day'), '--scored', join(dir, 'scored'), '-q', ...flags]);
    assert.equal(r.code, 2, flags.join(' '));
    assert.match(r.stderr, /input not found/, flags.join(' '));
  }
});

test('--scored naming an existing file, and spot.conf values out of range, are refused before the input is read', () => {
  const dir = tempDir('flags-scored');
  const file = join(dir, 'a-file');
  writeFileSync(file, 'not a folder');
  const r = runCli(['--analysis', 'flow', '--input', join(dir, 'no-such-day'), '--scored', file, '-q']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--scored .*a-file exists and is not a folder/);

  mkdirSync(join(dir, 'huser'));
  const conf = join(dir, 'spot.conf');
  writeFileSync(conf, `HUSER=${join(dir, 'huser')}\nFLOW_PATH=${join(dir, 'no-such-day')}\nTOPIC_COUNT=5000\n`);
  const w = runCli(['20160505', 'flow', '--conf', conf, '-q']);
  assert.equal(w.code, 2, w.stderr);
  assert.match(w.stderr, /TOPIC_COUNT in .*spot\.conf must be at most 1000/);
  const p = runCli(['20160505', 'flow', '1', '0', '--conf', conf, '--ldatopiccount', '20', '-q']);
  assert.equal(p.code, 2, p.stderr);
  assert.match(p.stderr, /MAXRESULTS must be -1 \(no limit\) or at least 1/);
});

test('the lda subcommand checks its flags and its corpus first: exit 2, one spot-ml: line', () => {
  const dir = tempDir('lda-flags');
  const corpus = join(dir, 'corpus.tsv');
  writeFileSync(corpus, 'a\tw\t1\n');
  for (const [flags, pattern] of [
    [['--corpus', join(dir, 'missing.tsv')], /--corpus .*missing\.tsv: no such file/],
    [['--corpus', dir], /--corpus .* is not a file/],
    [['--corpus', corpus, '--topics', '1e9'], /--topics must be at most 1000/],
    [['--corpus', corpus, '--seed', '1e300'], /--seed must be a whole number/],
    [['--corpus', corpus, '--beta', '1e308'], /--beta must be at most 1000/],
    [['--corpus', corpus, '--threads', '100000'], /--threads must be at most 256/],
  ] as [string[], RegExp][]) {
    const r = runCli(['lda', '--out', join(dir, 'model'), '-q', ...flags]);
    assert.equal(r.code, 2, `${flags.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^spot-ml: /);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
});
