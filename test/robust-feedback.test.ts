import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeLabelledDay } from '../bench/labelled/day.js';
import { query, readResults, runCli, tempDir, withEngine } from './helpers.js';

// Issue 13, done-when 2: in the robust mode, a low-risk rating lifts only what was rated.
const ROWS = 20_000;
const root = tempDir('robust-feedback');
const day = await withEngine((engine) => writeLabelledDay(engine, root, 'dns', 7, ROWS, 200));
const attackKeys = new Set(
  (await query(`SELECT frame_time, ip_dst, dns_qry_name FROM '${day.labels}' WHERE tag = 'attack'`)).map((r) => `${r.frame_time}|${r.ip_dst}|${r.dns_qry_name}`),
);
const keyOf = (f: string[]) => `${f[0]}|${f[3]}|${f[4]}`;

function robustRun(name: string, feedback?: string): string[][] {
  const scored = join(root, name);
  const run = runCli(['--analysis', 'dns', '--input', day.day, '--scored', scored, '--userdomain', 'acme', '--scoring', 'robust',
    '--threshold', '1', '--maxresults', '-1', '--quiet', ...(feedback ? ['--feedback', feedback] : [])]);
  assert.equal(run.code, 0, run.stderr);
  return readResults(join(scored, 'dns_results.csv'));
}

/** Rank (1-based) of each event by key. */
const ranks = (rows: string[][]) => new Map(rows.map((f, i) => [keyOf(f), i + 1]));

const baseline = robustRun('baseline');
const before = ranks(baseline);
const attackHosts = new Set(baseline.filter((f) => attackKeys.has(keyOf(f))).map((f) => f[3]));

/** Rates results row `row` (1-based) low-risk, with an optional scope column; returns the feedback file. */
function rateLow(row: number, name: string, scope?: string): string {
  const file = join(root, `${name}.csv`);
  const r = runCli(['feedback', '--type', 'dns', '--rating', '3', '--file', file, '--results', join(root, 'baseline', 'dns_results.csv'), '--row', String(row)]);
  assert.equal(r.code, 0, r.stderr);
  if (scope) {
    const [header, ...lines] = readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
    writeFileSync(file, [`${header},scope`, ...lines.map((l) => `${l},${scope}`)].join('\n') + '\n');
  }
  return file;
}

/** Checks that no attack event of `host` moved down by more than 1% of the day's events. */
function assertAttacksKept(after: Map<string, number>, host: string): number {
  let checked = 0;
  for (const [key, rank] of before) {
    if (!attackKeys.has(key) || key.split('|')[1] !== host) continue;
    const moved = after.get(key)! - rank;
    assert.ok(moved <= ROWS / 100, `attack ${key} moved down ${moved} ranks (from ${rank})`);
    checked++;
  }
  return checked;
}

test('robust feedback: rating the top benign event low-risk moves it down and no attack of its host down by over 1%', () => {
  const top = baseline.findIndex((f) => !attackKeys.has(keyOf(f)));
  const rated = baseline[top];
  const after = ranks(robustRun('rated-top', rateLow(top + 1, 'top')));
  assert.ok(after.get(keyOf(rated))! > top + 1, `the rated event stays at ${after.get(keyOf(rated))}`);
  assertAttacksKept(after, rated[3]);
});

test('robust feedback: the top benign event of a host that also attacks, rated low-risk, leaves that host\'s attacks in place', () => {
  const top = baseline.findIndex((f) => !attackKeys.has(keyOf(f)) && attackHosts.has(f[3]));
  assert.ok(top >= 0, 'an attacking host has benign events');
  const rated = baseline[top];
  const after = ranks(robustRun('rated-attacker', rateLow(top + 1, 'attacker')));
  assert.ok(after.get(keyOf(rated))! > top + 1, 'the rated event moved down');
  assert.ok(assertAttacksKept(after, rated[3]) > 0, 'the host has attack events to check');
});

test('robust feedback: scope domain moves every event of the rated domain down the list, on every host', () => {
  const top = baseline.findIndex((f) => !attackKeys.has(keyOf(f)));
  const name = baseline[top][4].toLowerCase();
  const domain = name.split('.').slice(-2).join('.');
  const after = ranks(robustRun('rated-domain', rateLow(top + 1, 'domain', 'domain')));
  const same = baseline.filter((f) => f[4].toLowerCase() === domain || f[4].toLowerCase().endsWith(`.${domain}`));
  assert.ok(same.length >= 1);
  const n = baseline.length;
  for (const f of same) {
    const was = before.get(keyOf(f))!;
    const now = after.get(keyOf(f))!;
    // Everything of the domain now scores as unsuspicious: it sits in the last events of the list.
    assert.ok(now >= was || was > n - same.length, `${f[4]} was ${was}, now ${now}`);
    assert.ok(now > n - same.length - baseline.filter((g) => Number(g[8]) === 1).length, `${f[4]} at ${now} of ${n}`);
  }
  const hosts = new Set(same.map((f) => f[3]));
  for (const h of hosts) assertAttacksKept(after, h);
});

test('robust feedback: a high-risk rating brings the rated event and the other events of its domain to the top', () => {
  // A benign event from the middle of the list.
  const row = Math.floor(baseline.length / 2);
  const name = baseline[row][4].toLowerCase();
  const domain = name.split('.').slice(-2).join('.');
  const file = join(root, 'high.csv');
  const r = runCli(['feedback', '--type', 'dns', '--rating', '1', '--file', file, '--results', join(root, 'baseline', 'dns_results.csv'), '--row', String(row + 1)]);
  assert.equal(r.code, 0, r.stderr);
  const after = ranks(robustRun('rated-high', file));
  const same = baseline.filter((f) => f[4].toLowerCase() === domain || f[4].toLowerCase().endsWith(`.${domain}`));
  const now = after.get(keyOf(baseline[row]))!;
  assert.ok(now < row + 1, `moved up from ${row + 1} to ${now}`);
  // Above it: at most the other events of the domain and the same kind of event on its host, and the events already more suspicious.
  assert.ok(now <= same.length + baseline.filter((f) => f[3] === baseline[row][3]).length, `rank ${now}, ${same.length} events of ${domain}`);
});
