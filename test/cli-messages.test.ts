import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, runCli, tempDir } from './helpers.js';

/** Exit 2 and exactly one line, `spot-ml: …`, matching `pattern`. */
function usageError(args: string[], pattern: RegExp): void {
  const r = runCli(args);
  assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `${args.join(' ')}: one line, got\n${r.stderr}`);
  assert.match(lines[0], /^spot-ml: /);
  assert.match(lines[0], pattern, args.join(' '));
}

test('--version prints the version of package.json', () => {
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  for (const flag of ['--version', '-V']) {
    const r = runCli([flag]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), version);
  }
});

test('every --help page ends with examples', () => {
  for (const args of [['--help'], ['demo', '--help'], ['lda', '--help'], ['feedback', '--help'], ['help', 'feedback']]) {
    const r = runCli(args);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\nExamples:\n {2}(# .*\n {2})?npx spot-ml /, args.join(' '));
  }
});

test('feedback --help groups the event fields by type and marks the required ones', () => {
  const r = runCli(['feedback', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^ {2}flow +--tstart\* --sip\* --dip\* --sport\* --dport\* --ipkt\* --ibyt\* --proto$/m);
  assert.match(r.stdout, /^ {2}dns +--frame_time\* --frame_len\* --ip_dst\* --dns_qry_name\* --dns_qry_class --dns_qry_type --dns_qry_rcode --unix_tstamp\*$/m);
  assert.match(r.stdout, /^ {2}proxy +--p_date\* --p_time\* --clientip\* --host\* .*--fulluri\*$/m);
  // the fields are not listed again one by one among the options
  assert.doesNotMatch(r.stdout, /^ {2}--dns_qry_name <value>/m);
});

test('usage errors of every subcommand: one spot-ml: line, exit 2', () => {
  const dir = tempDir('messages');
  usageError(['--bogus'], /unknown option '--bogus'/);
  usageError(['feedback'], /missing --type and --rating/);
  usageError(['feedback', '--type', 'flow'], /missing --rating/);
  usageError(['feedback', '--type', 'flow', '--rating', '4', '--file', join(dir, 'f.csv')], /--rating.*'4'.*1, 2, 3.*feedback --help/);
  usageError(['feedback', '--type', 'nope', '--rating', '3'], /--type.*'nope'/);
  usageError(['feedback', '--type', 'flow', '--rating', '3', '--bogus', 'x'], /unknown option '--bogus'/);
  usageError(['lda', '--corpus', join(dir, 'missing.tsv'), '--out', join(dir, 'm')], /--corpus .*missing\.tsv: no such file/);
  usageError(['lda', '--out', join(dir, 'm')], /--corpus/);
  usageError(['demo', '--hosts', 'many'], /--hosts expects a number/);
  usageError(['demo', '--hosts', '1e12', '--out', join(dir, 'demo')], /--hosts must be at most 100000/);
  writeFileSync(join(dir, 'a-file'), '');
  usageError(['demo', '--out', join(dir, 'a-file')], /--out .*a-file exists and is not a folder/);
  writeFileSync(join(dir, 'bad.tsv'), 'a\tw\t1\nb\tw\tx\n');
  usageError(['lda', '--corpus', join(dir, 'bad.tsv'), '--out', join(dir, 'm'), '-q'], /bad\.tsv:2: count must be a finite number/);
  writeFileSync(join(dir, 'empty.tsv'), '');
  usageError(['lda', '--corpus', join(dir, 'empty.tsv'), '--out', join(dir, 'm'), '-q'], /empty\.tsv holds no word counts/);
  usageError(['demo', '--bogus'], /unknown option '--bogus'.*demo --help/);
  usageError(['--analysis', 'flow', '--input', join(dir, 'nowhere'), '--scored', join(dir, 's'), '-q'], /input not found: .*nowhere/);
  assert.equal(existsSync(join(dir, 'f.csv')), false);
});

test('a rating missing several fields names all of them at once and records nothing', () => {
  const dir = tempDir('fields');
  const file = join(dir, 'ml_feedback.csv');
  const r = runCli(['feedback', '--type', 'flow', '--rating', '3', '--file', file, '--sip', '10.0.0.1', '--sport', 'x']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^spot-ml: error: not recorded: missing --tstart, --dip, --dport, --ipkt, --ibyt; --sport: "x" is not a whole number/);
  assert.equal(existsSync(file), false);
  const dns = runCli(['feedback', '--type', 'dns', '--rating', '1', '--file', file, '--ip_dst', '10.0.0.1']);
  assert.equal(dns.code, 2);
  assert.match(dns.stderr, /missing --frame_time, --frame_len, --dns_qry_name, --unix_tstamp/);
});
