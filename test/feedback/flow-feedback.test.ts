import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, writeFlowDay } from '../helpers.js';

const DATE = '20160505';
/** Fields 0..16 of a flow result line: the event; field 17: its score. */
const eventOf = (line: string) => line.split('\t').slice(0, 17).join('\t');
const scoreOf = (line: string) => Number(line.split('\t')[17]);
const field = (line: string, i: number) => line.split('\t')[i];

describe('flow analyst feedback through the CLI', () => {
  let dir: string;
  let day: string;
  let baseline: string;
  let baselineLines: string[];

  const analyse = (name: string, extra: string[] = []) => {
    const scored = join(dir, name);
    const run = runCli(['--analysis', 'flow', '--input', day, '--scored', scored, '--threshold', '1', '--maxresults', '-1', ...extra]);
    return { ...run, results: join(scored, 'flow_results.csv'), summary: join(scored, 'flow_summary.json') };
  };
  const resultsText = async (file: string) => readFile(file, 'utf8');
  /** A feedback line as Spot's front end wrote it: sev,tstart,sip,dip,sport,dport then ibyt under ipkt and ipkt under ibyt. */
  const frontEndRow = (sev: number, result: string, delimiter = ',') =>
    [sev, field(result, 0), field(result, 8), field(result, 9), field(result, 10), field(result, 11), field(result, 14), field(result, 13)].join(delimiter);
  const FRONT_END_HEADER = 'sev,tstart,sip,dip,sport,dport,ipkt,ibyt';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'spot-feedback-'));
    day = await writeFlowDay(dir, DATE);
    const run = analyse('baseline');
    assert.equal(run.code, 0, run.stderr);
    baseline = await resultsText(run.results);
    baselineLines = baseline.split('\n').filter(Boolean);
    assert.ok(baselineLines.length > 100);
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  test('rating the least probable event 3 (via `spot-ml feedback`) raises its score tenfold and moves it out of the five lowest', async () => {
    const file = join(dir, 'loop', 'ml_feedback.csv');
    const rec = runCli(['feedback', '--type', 'flow', '--rating', '3', '--file', file, '--results', join(dir, 'baseline', 'flow_results.csv'), '--row', '1']);
    assert.equal(rec.code, 0, rec.stderr);
    const lowest = baselineLines[0];
    const expected = [3, field(lowest, 0), field(lowest, 8), field(lowest, 9), field(lowest, 10), field(lowest, 11), field(lowest, 13), field(lowest, 14), field(lowest, 12)].join(',');
    assert.equal(await readFile(file, 'utf8'), `sev,tstart,sip,dip,sport,dport,ipkt,ibyt,proto\n${expected}\n`);

    const run = analyse('loop', ['--feedback', file, '--dupfactor', '1000']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /1 low-risk \(1 used ×1000/);
    const lines = (await resultsText(run.results)).split('\n').filter(Boolean);
    const at = lines.findIndex((l) => eventOf(l) === eventOf(lowest));
    assert.ok(at >= 5, `the rated event is still among the five lowest (position ${at})`);
    assert.ok(scoreOf(lines[at]) >= 10 * scoreOf(lowest), `score ${scoreOf(lowest)} -> ${scoreOf(lines[at])}`);
  });

  test('ratings 1 and 2 leave the results byte-identical to a run without feedback', async () => {
    const file = join(dir, 'high-medium.csv');
    const rows = baselineLines.slice(0, 4).map((l, i) => frontEndRow(i % 2 ? 1 : 2, l));
    await writeFile(file, [FRONT_END_HEADER, ...rows, ''].join('\r\n'));
    const run = analyse('high-medium', ['--feedback', file, '--dupfactor', '1000']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /0 low-risk .* 2 medium, 2 high/);
    assert.equal(await resultsText(run.results), baseline);
  });

  test("a comma-separated file as Spot's front end wrote it and the same content tab-separated give identical results", async () => {
    const rows = baselineLines.slice(0, 2).map((l) => frontEndRow(3, l));
    const comma = join(dir, 'front-end.csv');
    const tab = join(dir, 'front-end.tsv');
    await writeFile(comma, [FRONT_END_HEADER, ...rows, ''].join('\r\n'));
    await writeFile(tab, [FRONT_END_HEADER, ...rows, ''].map((l) => l.replaceAll(',', '\t')).join('\n'));
    const a = analyse('comma', ['--feedback', comma, '--dupfactor', '1000']);
    const b = analyse('tab', ['--feedback', tab, '--dupfactor', '1000']);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const summary = JSON.parse(await readFile(a.summary, 'utf8'));
    assert.equal(summary.feedback.lowRiskUsed, 2, 'the protocol of both rows is recovered from the day');
    assert.equal(summary.feedback.lowRiskUnusable, 0);
    assert.equal(await resultsText(a.results), await resultsText(b.results));
    assert.notEqual(await resultsText(a.results), baseline);
  });

  test('malformed lines are reported by number and skipped; the good lines are used', async () => {
    const good = frontEndRow(3, baselineLines[0]);
    const bad = join(dir, 'malformed.csv');
    await writeFile(bad, [
      FRONT_END_HEADER,
      good,
      '3,2016-05-05 01:00:00,10.0.0.1',
      'high,2016-05-05 01:00:00,10.0.0.1,10.0.0.2,1,2,3,4',
      '3,2016-05-05 1 pm,10.0.0.1,10.0.0.2,1,2,3,4',
      '3,2016-05-05 01:00:00,192.0.2.1,192.0.2.2,1,2,3,4',
      '',
    ].join('\n'));
    const onlyGood = join(dir, 'good.csv');
    await writeFile(onlyGood, `${FRONT_END_HEADER}\n${good}\n`);
    const run = analyse('malformed', ['--feedback', bad, '--dupfactor', '1000']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /malformed\.csv:3: malformed line skipped: too few fields/);
    assert.match(run.stderr, /malformed\.csv:4: malformed line skipped: sev: rating "high" is not a number/);
    assert.match(run.stderr, /malformed\.csv:5: malformed line skipped: tstart: time "2016-05-05 1 pm"/);
    assert.match(run.stderr, /malformed\.csv:6: low-risk event not used: no flow of the day/);
    const summary = JSON.parse(await readFile(run.summary, 'utf8'));
    assert.deepEqual(
      [summary.feedback.malformed, summary.feedback.lowRiskUsed, summary.feedback.lowRiskUnusable],
      [3, 1, 1],
    );
    const reference = analyse('good-only', ['--feedback', onlyGood, '--dupfactor', '1000']);
    assert.equal(await resultsText(run.results), await resultsText(reference.results));
  });

  test('a missing feedback file is a warning; one that cannot be read is an error', async () => {
    const missing = analyse('missing', ['--feedback', join(dir, 'nowhere', 'ml_feedback.csv')]);
    assert.equal(missing.code, 0, missing.stderr);
    assert.match(missing.stderr, /no feedback file at/);
    assert.equal(await resultsText(missing.results), baseline);
    const unreadable = analyse('unreadable', ['--feedback', dir]);
    assert.notEqual(unreadable.code, 0);
    assert.match(unreadable.stderr, /cannot read the feedback file/);
  });

  test('wrapper form: `spot-ml feedback --date --type` writes ${HPATH}/feedback/ml_feedback.csv and the next run uses it with DUPFACTOR', async () => {
    const conf = join(dir, 'spot.conf');
    await writeFile(conf, [
      `HUSER='${dir}'`,
      'FLOW_PATH=${HUSER}/${DSOURCE}/hive/y=${YR}/m=${MH}/d=${DY}/',
      'HPATH=${HUSER}/${DSOURCE}/scored_results/${FDATE}',
      'TOL=1',
      'DUPFACTOR=500',
      '',
    ].join('\n'));
    const scores = join(dir, 'flow', 'scored_results', DATE, 'scores');
    const first = runCli([DATE, 'flow', '1', '--conf', conf, '-q']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /feedback: +none/);
    const rec = runCli(['feedback', '--type', 'flow', '--date', DATE, '--conf', conf, '--rating', '3',
      '--results', join(scores, 'flow_results.csv'), '--row', '1']);
    assert.equal(rec.code, 0, rec.stderr);
    const file = join(dir, 'flow', 'scored_results', DATE, 'feedback', 'ml_feedback.csv');
    assert.equal((await readFile(file, 'utf8')).split('\n').length, 3);
    const second = runCli([DATE, 'flow', '1', '--conf', conf, '-q']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /1 low-risk \(1 used ×500/);
  });
});
