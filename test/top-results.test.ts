import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDnsDay } from '../src/demo/dns-day.js';
import { generateProxyDay } from '../src/demo/proxy-day.js';
import { generateFlowDay } from '../src/demo/flow-day.js';
import { runCli, tempDir, withEngine, writeFlowDay } from './helpers.js';

/**
 * With --maxresults N only the events that can be among the N lowest are scored (src/pipeline/score.ts);
 * the file must be exactly the first N lines of the run that scores and reports every event.
 */
function analyse(args: string[], scored: string) {
  const run = runCli([...args, '--scored', scored, '--quiet']);
  assert.equal(run.code, 0, run.stderr);
  const type = args[args.indexOf('--analysis') + 1];
  return {
    lines: readFileSync(join(scored, `${type}_results.csv`), 'utf8').split('\n').filter(Boolean),
    summary: JSON.parse(readFileSync(join(scored, `${type}_summary.json`), 'utf8')),
  };
}

function assertTopIsPrefix(dir: string, args: string[]) {
  const all = analyse([...args, '--threshold', '1', '--maxresults', '-1'], join(dir, 'all'));
  assert.equal(all.lines.length, all.summary.scored, 'every event reported at threshold 1');
  assert.equal(all.summary.scoredForResults, all.summary.scored);
  for (const n of [1, 7, 60]) {
    const top = analyse([...args, '--threshold', '1', '--maxresults', String(n)], join(dir, `top${n}`));
    assert.deepEqual(top.lines, all.lines.slice(0, n), `top ${n}`);
    assert.ok(top.summary.scoredForResults < top.summary.scored / 4, `top ${n}: scored ${top.summary.scoredForResults} of ${top.summary.scored} events`);
  }
  const cut = Number(all.lines[30].split('\t').at(-1));
  const below = analyse([...args, '--threshold', String(cut), '--maxresults', '200'], join(dir, 'below'));
  const expected = all.lines.filter((l) => Number(l.split('\t').at(-1)) <= cut).slice(0, 200);
  assert.deepEqual(below.lines, expected, 'threshold and maxresults together');
  return all;
}

test('flow: the top N are the first N of the full results, with and without analyst feedback', async () => {
  const dir = tempDir('top-flow');
  const day = await writeFlowDay(dir, '20160505', 60);
  const all = assertTopIsPrefix(join(dir, 'plain'), ['--analysis', 'flow', '--input', day]);
  // Feedback pairs are in the model but are not events of the day: they must not count towards the N.
  const feedback = join(dir, 'ml_feedback.csv');
  const rows = all.lines.slice(0, 5).map((l) => {
    const f = l.split('\t');
    return [3, f[0], f[8], f[9], f[10], f[11], f[13], f[14], f[12]].join(',');
  });
  writeFileSync(feedback, ['sev,tstart,sip,dip,sport,dport,ipkt,ibyt,proto', ...rows, ''].join('\n'));
  const withFeedback = assertTopIsPrefix(join(dir, 'feedback'), ['--analysis', 'flow', '--input', day, '--feedback', feedback, '--dupfactor', '500']);
  assert.notDeepEqual(withFeedback.lines.slice(0, 5), all.lines.slice(0, 5), 'the feedback changed the lowest events');
});

test('dns (one word per event): the top N are the first N of the full results', async () => {
  const dir = tempDir('top-dns');
  const folder = await withEngine((engine) =>
    generateDnsDay(engine, { root: dir, rows: 6000, hosts: 60, date: '20160505', userDomain: 'acme', tunnelQueries: 3 }),
  );
  assertTopIsPrefix(dir, ['--analysis', 'dns', '--input', folder, '--userdomain', 'acme']);
});

test('proxy (words counted as text, candidates found by address): the top N are the first N of the full results', async () => {
  const dir = tempDir('top-proxy');
  const folder = await withEngine((engine) =>
    generateProxyDay(engine, { root: dir, rows: 6000, hosts: 120, date: '20160505', userDomain: 'acme', beaconRequests: 1 }),
  );
  assertTopIsPrefix(dir, ['--analysis', 'proxy', '--input', folder, '--userdomain', 'acme']);
});

test('flow with a few busy hosts (candidates found by word key for the larger N): the top N are the first N', async () => {
  const dir = tempDir('top-flow-busy');
  const day = await withEngine((engine) => generateFlowDay(engine, { root: dir, rows: 6000, hosts: 10, date: '20160505' }));
  assertTopIsPrefix(dir, ['--analysis', 'flow', '--input', day]);
});
