import { before, test } from 'node:test';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cliPath, query, readResults, runCli } from './helpers.js';
import { sqlString } from '../src/engine/engine.js';
import { consoleDays, DATE, type ConsoleDays } from './console-fixture.js';

let days: ConsoleDays;
before(async () => {
  days = await consoleDays('show-cli', 20);
});

for (const type of ['flow', 'dns', 'proxy'] as const) {
  test(`show --json explains the top ${type} events: decoded word, scoring side, percentile`, () => {
    const r = runCli(['show', '--scored', days.scored(type), '--top', '3', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.run.type, type);
    assert.deepEqual(out.events.map((e: any) => e.rank), [1, 2, 3]);
    for (const e of out.events) {
      assert.equal(e.slots.length, type === 'flow' ? 2 : 1);
      assert.ok(e.percentile > 0 && e.percentile <= 100);
      assert.ok(e.scoringSide);
      const scorer = e.slots.find((s: any) => s.scoring);
      assert.ok(Math.abs(scorer.breakdown.score - e.score) <= 1e-9 * e.score, `${scorer.breakdown.score} vs ${e.score}`);
      for (const s of e.slots) assert.ok(s.word && s.parts.length >= 5 && s.parts.every((p: any) => p.meaning));
    }
    const text = runCli(['show', '--scored', days.scored(type), '--top', '2']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^${type} run in .*rows read`));
    assert.match(text.stdout, /#1 {2}score \S+ {2}\(percentile/);
    assert.match(text.stdout, /<- scored the event/);
  });
}

test('show --ip lists only that IP\'s events; a folder without a run is an error (exit 2)', () => {
  const top = JSON.parse(runCli(['show', '--scored', days.scored('flow'), '--top', '1', '--json']).stdout).events[0];
  const ip = top.fields.dip;
  const r = runCli(['show', '--scored', days.scored('flow'), '--ip', ip, '--top', '5', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const events = JSON.parse(r.stdout).events;
  assert.ok(events.length >= 1 && events.every((e: any) => e.fields.sip === ip || e.fields.dip === ip));
  const bad = runCli(['show', '--scored', days.root]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^spot-ml: error: .*holds no scored run/);
});

test('serve prints its URL, serves the days and stops cleanly on Ctrl-C (SIGINT)', async () => {
  const child = spawn(process.execPath, [cliPath, 'serve', '--conf', days.conf, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        clearInterval(timer);
        resolve(m[1]);
      }
    }, 50);
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  const daysList = (await (await fetch(`${url}api/days`)).json()) as { day: string }[];
  assert.deepEqual(daysList.map((d) => d.day), [DATE, DATE, DATE]);
  const page = await fetch(`${url}days/${DATE}/flow`);
  assert.match(await page.text(), /<script type="module" src="\/assets\/app.js">/);
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  assert.equal((await fetch(`${url}assets/app.js`)).status, 200);
  const code = await new Promise<number | null>((resolve) => {
    child.on('exit', (c) => resolve(c));
    child.kill('SIGINT');
  });
  assert.equal(code, 0, err);
  assert.match(out, /stopped/);
});

test('serve refuses --scored with --conf, and a missing folder (exit 2)', () => {
  const both = runCli(['serve', '--scored', days.scored('flow'), '--conf', days.conf]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /not both/);
  const none = runCli(['serve', '--scored', `${days.root}/nothing`]);
  assert.equal(none.code, 2);
});

test('corpus.parquet and score_distribution.json: every scored event slot; percentiles exact for DNS and proxy, bounded for flow', async () => {
  for (const type of ['flow', 'dns', 'proxy'] as const) {
    const dir = days.scored(type);
    const summary = JSON.parse(readFileSync(join(dir, `${type}_summary.json`), 'utf8'));
    const slots = type === 'flow' ? 2 : 1;
    const [c] = await query(`SELECT sum(count) AS n, count(*) AS pairs FROM read_parquet(${sqlString(join(dir, 'corpus.parquet'))})`);
    assert.equal(Number(c.n), slots * summary.scored);
    const dist = JSON.parse(readFileSync(join(dir, 'score_distribution.json'), 'utf8'));
    assert.equal(dist.slots, slots * summary.scored);
    assert.equal(dist.zero + dist.bins.reduce((s: number, b: [number, number]) => s + b[1], 0), dist.slots);
    // Every event is reported (threshold 1, no limit): its exact percentile among events is known from the results.
    const scores = readResults(join(dir, `${type}_results.csv`)).map((f) => Number(f[f.length - 1]));
    assert.equal(scores.length, summary.scored);
    const shown = JSON.parse(runCli(['show', '--scored', dir, '--top', '40', '--json']).stdout).events;
    for (const e of shown) {
      const share = (100 * scores.filter((s) => s <= e.score * (1 + 1e-12)).length) / scores.length;
      if (slots === 1) assert.ok(Math.abs(e.percentile - share) < 1e-9, `${type} #${e.rank}: ${e.percentile} vs ${share}`);
      else assert.ok(e.percentile <= share + 1e-9 && share <= 2 * e.percentile + 1e-9, `flow #${e.rank}: ${e.percentile} vs ${share}`);
    }
  }
});
