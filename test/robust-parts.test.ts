import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { goldenRun } from './spot-mode-fixture.js';
import { query, readResults, runCli, tempDir, withEngine } from './helpers.js';
import { generateFlowDay } from '../src/demo/flow-day.js';
import { explainRobust } from '../src/explain/robust-parts.js';
import { EXPLAINED_EVENTS, ROBUST_PARTS_FILE, type RobustParts } from '../src/scoring/robust/parts.js';

// A robust run fits no topic model and explains its scores in robust_parts.parquet (issue 13, session 13).

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * (1 + Math.abs(a) + Math.abs(b));

async function partsOf(scored: string): Promise<RobustParts[]> {
  const rows = await query(`SELECT * FROM '${join(scored, ROBUST_PARTS_FILE)}' ORDER BY rank`);
  return rows.map((r) => ({ ...r, rank: Number(r.rank) }) as unknown as RobustParts);
}

for (const type of ['flow', 'dns', 'proxy'] as const) {
  test(`${type}: a robust run writes no topic model, counts the rows as the spot run does, and explains each reported event`, async () => {
    const spot = JSON.parse(readFileSync(join(goldenRun(type, tempDir(`parts-spot-${type}`)), `${type}_summary.json`), 'utf8'));
    const scored = goldenRun(type, tempDir(`parts-${type}`), ['--scoring', 'robust', '--threshold', '1', '--maxresults', '60']);
    for (const gone of ['model', 'corpus.parquet', 'score_distribution.json']) assert.ok(!existsSync(join(scored, gone)), `no ${gone}`);
    const summary = JSON.parse(readFileSync(join(scored, `${type}_summary.json`), 'utf8'));
    for (const k of ['rowsRead', 'invalid', 'notFeaturised', 'scored']) assert.equal(summary[k], spot[k], `summary ${k} as in the spot run`);
    assert.equal(summary.documents, undefined);
    assert.equal(summary.modelDir, undefined);
    assert.equal(summary.explanationFile, join(summary.resultsFile, '..', ROBUST_PARTS_FILE));
    assert.equal(summary.stageSeconds.lda, undefined, 'no LDA stage');

    const results = readResults(join(scored, `${type}_results.csv`));
    const parts = await partsOf(scored);
    assert.equal(results.length, 60);
    assert.deepEqual(parts.map((p) => p.rank), results.map((_, i) => i + 1), 'one row per reported event, by rank');
    for (const [i, p] of parts.entries()) {
      assert.equal(p.score, Number(results[i].at(-1)), `rank ${p.rank}: the result's score`);
      assert.equal(p.rated, false);
      const sum = p.feature_part + (p.initiated ? p.pair_part ?? 0 : 0) + p.host_odd;
      assert.ok(close(p.surprise, sum), `rank ${p.rank}: S ${p.surprise} = A + P + host part ${sum}`);
      assert.ok(close(p.feature_part, p.features.reduce((s, f) => s + f.surprise, 0)), `rank ${p.rank}: A is the features' sum`);
      if (p.unit === 'rest') assert.equal(p.surprise, 0);
      if (p.unit !== 'combination') assert.equal(p.feature_part, 0, 'only a combination has odd features');
      assert.ok(p.host !== null && p.peer !== null, `rank ${p.rank}: host and peer`);
    }
    assert.equal(parts[0].unit, 'combination', 'the most suspicious event stands out by its own features');
    assert.ok(parts[0].surprise >= parts.at(-1)!.surprise, 'the surprise falls down the list');
    assert.ok(parts[0].features.some((f) => f.surprise > 0 && f.value !== null), 'an odd feature named with its value');
  });
}

test('flow: the parts of a low-risk rated event say that feedback changed its surprise', async () => {
  const root = tempDir('parts-rated');
  const first = goldenRun('flow', join(root, 'first'), ['--scoring', 'robust', '--threshold', '1', '--maxresults', '-1']);
  const feedback = join(root, 'flow_feedback.csv');
  const r = runCli(['feedback', '--type', 'flow', '--rating', '3', '--file', feedback, '--results', join(first, 'flow_results.csv'), '--row', '1']);
  assert.equal(r.code, 0, r.stderr);
  const rated = readResults(join(first, 'flow_results.csv'))[0];
  const again = goldenRun('flow', join(root, 'again'), ['--scoring', 'robust', '--threshold', '1', '--maxresults', '-1', '--feedback', feedback]);
  const results = readResults(join(again, 'flow_results.csv'));
  const parts = await partsOf(again);
  const fields = (f: string[]) => f.slice(0, -1).join('\t');
  const at = results.findIndex((f) => fields(f) === fields(rated));
  assert.ok(at > 0, 'the rated event moved down the list');
  assert.equal(parts[at].rated, true);
  assert.equal(parts[at].surprise, 0, 'low risk: surprise 0');
  assert.ok(parts[at].feature_part > 0, 'its unrated parts are kept');
  assert.ok(parts.filter((p) => p.rated).length < parts.length / 10, 'only the rated kind of event is marked');
});

test(`a whole day reported: the first ${EXPLAINED_EVENTS} events are explained, and the summary and the explain view say so`, async () => {
  const root = tempDir('parts-whole-day');
  const rows = EXPLAINED_EVENTS + 5_000;
  const day = await withEngine((engine) => generateFlowDay(engine, { root, rows, hosts: 300, date: '20160505' }));
  const scored = join(root, 'scored');
  const r = runCli(['--analysis', 'flow', '--input', day, '--scored', scored, '--threshold', '1', '--maxresults', '-1', '--quiet', '--scoring', 'robust']);
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(readFileSync(join(scored, 'flow_summary.json'), 'utf8'));
  assert.ok(summary.reported > EXPLAINED_EVENTS, `${summary.reported} reported`);
  assert.equal(summary.explainedEvents, EXPLAINED_EVENTS);
  const [n] = await query(`SELECT count(*) AS n, min(rank) AS lo, max(rank) AS hi FROM '${join(scored, ROBUST_PARTS_FILE)}'`);
  assert.deepEqual([Number(n.n), Number(n.lo), Number(n.hi)], [EXPLAINED_EVENTS, 1, EXPLAINED_EVENTS], 'ranks 1 to the bound');
  const beyond = explainRobust(undefined, 1, EXPLAINED_EVENTS + 1, summary.explainedEvents);
  assert.ok('robustNote' in beyond && beyond.robustNote.includes(`first ${EXPLAINED_EVENTS}`), 'the view says which events are explained');
});
