import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { sqlString } from '../src/engine/engine.js';
import { ROBUST_PARTS_FILE } from '../src/scoring/robust/parts.js';
import { consoleInBrowser, SCREENSHOTS } from './headless-chromium.js';
import { query, runCliAsync } from './helpers.js';
import { analyseDay, consoleDays, DATE, dropTopicModelFiles } from './console-fixture.js';

/**
 * The console and `spot-ml show` on robust runs whose folders hold no model/, corpus.parquet or
 * score_distribution.json (the robust mode fits no topic model): each event is explained by its row of
 * robust_parts.parquet.
 */
const TYPES = ['flow', 'dns', 'proxy'] as const;
const t = consoleInBrowser(async () => {
  const days = await consoleDays('console-robust', 30, { scoring: 'robust' });
  for (const type of TYPES) await dropTopicModelFiles(days, type);
  return days;
});

const api = (type: string) => `${t.c.url}api/days/${DATE}/${type}`;
const getJson = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as any };
};
/** The first rank of each unit in the run's robust_parts.parquet. */
const firstRankOfUnits = async (type: string) =>
  (await query(`SELECT unit, min(rank) AS rank FROM read_parquet(${sqlString(join(t.days.scored(type), ROBUST_PARTS_FILE))}) GROUP BY unit ORDER BY unit`)).map((r) => ({ unit: String(r.unit), rank: Number(r.rank) }));
const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9, `${what}: ${a} vs ${b}`);

/** The parts of an unrated event add up: Σ features = A, P's terms = P, A + P·initiated + host_odd = S. */
function checkSum(r: any, what: string): void {
  assert.equal(r.rated, false, what);
  near(r.features.reduce((s: number, f: any) => s + f.surprise, 0), r.feature_part, `${what} Σ features`);
  near(r.feature_part + (r.initiated ? r.pair_part : 0) + r.host_odd, r.surprise, `${what} A + P + host_odd`);
  near(r.partsSum, r.surprise, `${what} partsSum`);
  if (r.pairTerms) near(r.pairTerms.reduce((s: number, t: any) => s + t.part, 0), r.pair_part, `${what} P's terms`);
}

for (const type of TYPES) {
  test(`explain API of a robust ${type} run without the topic model's files: S taken apart, for every unit`, async () => {
    const units = await firstRankOfUnits(type);
    assert.ok(units.some((u) => u.unit === 'combination'), JSON.stringify(units));
    for (const { unit, rank } of units) {
      const { status, body: e } = await getJson(`${api(type)}/events/${rank}`);
      assert.equal(status, 200, JSON.stringify(e));
      assert.equal(e.scoring, 'robust');
      assert.deepEqual(e.slots, [], 'no topic decomposition');
      assert.equal(e.scoringSide, null);
      assert.ok(Math.abs(e.percentile - 100 * e.score) < 1e-9);
      assert.ok(e.ips.length === (type === 'flow' ? 2 : 1));
      const r = e.robust;
      assert.ok(r && !('robustNote' in r), JSON.stringify(r));
      assert.equal(r.rank, rank);
      assert.equal(r.unit, unit);
      assert.equal(r.score, e.score);
      assert.ok(r.unitText.length > 20);
      assert.ok(r.features.length >= 3 && r.features.every((f: any) => typeof f.name === 'string' && Number.isFinite(f.surprise)));
      checkSum(r, `${type} #${rank} (${unit})`);
      if (unit === 'rest') assert.equal(r.surprise, 0);
    }
    const top = (await getJson(`${api(type)}/events/1`)).body.robust;
    assert.ok(top.surprise > 0 && top.features.some((f: any) => f.surprise > 0), 'the top event has an odd feature');
    assert.ok(top.pairTerms && top.pairTerms.length === 5, "the top event's pair part in terms");
  });
}

test('events, histogram and IP view of a robust run without model/, corpus.parquet and score_distribution.json', async () => {
  for (const type of TYPES) {
    const page = await getJson(`${api(type)}/events?limit=5`);
    assert.equal(page.status, 200);
    assert.deepEqual(page.body.rows.map((r: any) => r.rank), [1, 2, 3, 4, 5]);
    for (const r of page.body.rows) assert.ok(Math.abs(r.percentile - 100 * r.score) < 1e-9);
    const hist = await getJson(`${api(type)}/histogram`);
    assert.equal(hist.status, 200);
    assert.equal(hist.body.scoring, 'robust');
    assert.equal(hist.body.distribution, null);
    const ip = page.body.rows[0].fields[type === 'flow' ? 'sip' : type === 'dns' ? 'ip_dst' : 'clientip'];
    const view = await getJson(`${api(type)}/ips/${encodeURIComponent(ip)}`);
    assert.equal(view.status, 200, JSON.stringify(view.body));
    assert.equal(view.body.scoring, 'robust');
    assert.equal(view.body.theta, null);
    assert.deepEqual(view.body.words, []);
    assert.ok(view.body.eventCount >= 1 && view.body.events.length >= 1);
    assert.ok(view.body.events.every((e: any) => Object.values(e.fields).includes(ip)));
  }
});

test('show on a robust run prints the parts of each event, not topics', async () => {
  for (const type of TYPES) {
    const text = await runCliAsync(['show', '--scored', t.days.scored(type), '--top', '3']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /#1 {2}score \S+ {2}\(percentile/);
    assert.equal(text.stdout.match(/^ {4}why: (combination|pair|rest) unit, host \S+ -> peer \S+/gm)?.length, 3, text.stdout);
    assert.equal(text.stdout.match(/^ {4}surprise S [\d.]+ = features A [\d.]+ \+ pair P [\d.]+ \+ host odd [\d.]+$/gm)?.length, 3, text.stdout);
    assert.equal(text.stdout.match(/^ {4}features: /gm)?.length, 3);
    assert.equal(text.stdout.match(/^ {4}pair: peer rarity B /gm)?.length, 3);
    assert.doesNotMatch(text.stdout, /scored the event|topic|θ/);
    const json = await runCliAsync(['show', '--scored', t.days.scored(type), '--top', '3', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const events = JSON.parse(json.stdout).events;
    assert.deepEqual(events.map((e: any) => e.rank), [1, 2, 3]);
    for (const e of events) checkSum(e.robust, `show ${type} #${e.rank}`);
  }
});

async function open(path: string): Promise<Page> {
  const page = await t.browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (err) => assert.fail(`script error on the page: ${err.message}`));
  await page.goto(t.c.url + path.replace(/^\//, ''));
  await page.waitForSelector('body[data-ready]');
  assert.equal(await page.getAttribute('body', 'data-ready'), 'true', (await page.textContent('#app')) ?? '');
  return page;
}
const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

for (const type of ['flow', 'dns'] as const) {
  test(`explain page of a robust ${type} event shows why it scored S, with no topic decomposition`, async () => {
    const { body: e } = await getJson(`${api(type)}/events/1`);
    const r = e.robust;
    const page = await open(`/days/${DATE}/${type}/events/1`);
    const card = (await page.textContent('#robust-parts')) ?? '';
    assert.match(card, new RegExp(`Why this event scored S = ${r.surprise.toFixed(3).replace('.', '\\.')}`));
    assert.match((await page.textContent('#robust-unit')) ?? '', /its own kind of event on this host/);
    assert.match((await page.textContent('#robust-direction')) ?? '', new RegExp(`host ${r.host.replaceAll('.', '\\.')} → peer ${r.peer.replaceAll('.', '\\.')}`));
    const features = await page.$$eval('table.robust-features tbody tr', (rows) => rows.map((row) => ({ odd: row.classList.contains('odd'), cells: [...row.querySelectorAll('td')].map((td) => td.textContent) })));
    assert.deepEqual(features.map((f) => f.cells[0]), r.features.map((f: any) => f.name));
    assert.deepEqual(features.map((f) => f.odd), r.features.map((f: any) => f.surprise > 0), 'the nonzero features are marked');
    const pair = await page.$$eval('table.robust-pair tbody tr td:first-child', (tds) => tds.map((td) => td.textContent));
    for (const p of ['peer rarity', 'persistence', 'volume', 'regularity', 'host fan-out', 'routine', 'rarity weight r']) assert.ok(pair.includes(p), p);
    const sum = await page.$$eval('#robust-sum tr[data-part]', (rows) => rows.map((row) => [row.getAttribute('data-part'), row.children[1].textContent]));
    assert.deepEqual(sum, [
      ['A', r.feature_part.toFixed(3)],
      ['P', (r.initiated ? r.pair_part : 0).toFixed(3)],
      ['host_odd', r.host_odd.toFixed(3)],
      ['S', r.surprise.toFixed(3)],
    ]);
    assert.equal(await page.$$eval('table.breakdown, #scoring-side, code.word, .slot', (els) => els.length), 0, 'no topic decomposition or word slots');
    assert.equal(await page.$$eval('#robust-parts button, .rate button', (els) => els.length), 3, 'the rating buttons');
    assert.ok((await page.$$eval('a', (as) => as.map((a) => a.getAttribute('href')))).some((href) => href?.includes(`/ips/${encodeURIComponent(e.ips[0])}`)), 'a link to the IP view');
    assert.ok(((await page.textContent('#event-fields')) ?? '').length > 0);
    await shot(page, `explain-robust-${type}`);
    await page.close();
  });
}

test('events page and IP view of a robust run: no histogram and no topic mix, said plainly', async () => {
  const events = await open(`/days/${DATE}/flow`);
  assert.match((await events.textContent('#robust-scores')) ?? '', /robust mode/);
  assert.equal(await events.$$eval('canvas', (els) => els.length), 0);
  assert.equal((await events.$$('#events tbody tr')).length, 50);
  await shot(events, 'events-robust-flow');
  const ip = await events.$eval('#events tbody tr td:nth-child(3)', (td) => td.textContent!.split(' : ')[0]);
  await events.close();
  const view = await open(`/days/${DATE}/flow/ips/${encodeURIComponent(ip)}`);
  assert.match((await view.textContent('#no-topic-model')) ?? '', /fits no topic model/);
  assert.equal(await view.$$eval('canvas', (els) => els.length), 0);
  assert.ok((await view.$$('#events tbody tr[data-rank]')).length >= 1);
  await shot(view, 'ip-robust-flow');
  await view.close();
});

test('an event whose score feedback changed is marked rated, in the API, the page and show', async () => {
  const res = await fetch(`${api('dns')}/events/1/rating`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Spot-Token': t.c.server.csrfToken },
    body: JSON.stringify({ rating: 'low' }),
  });
  assert.equal(res.status, 200, await res.text());
  assert.ok(existsSync(t.days.feedback('dns')) && readFileSync(t.days.feedback('dns'), 'utf8').split('\n').length >= 2);
  await analyseDay(t.days, 'dns');
  await dropTopicModelFiles(t.days, 'dns');
  const [rated] = await query(`SELECT min(rank) AS rank FROM read_parquet(${sqlString(join(t.days.scored('dns'), ROBUST_PARTS_FILE))}) WHERE rated`);
  assert.ok(rated.rank !== null, 'the low-risk rating changed some reported event');
  const rank = Number(rated.rank);
  const { status, body: e } = await getJson(`${api('dns')}/events/${rank}`);
  assert.equal(status, 200);
  assert.equal(e.robust.rated, true);
  assert.ok(Math.abs(e.robust.partsSum - e.robust.surprise) > 1e-9, 'feedback changed S away from the sum of its parts');
  const page = await open(`/days/${DATE}/dns/events/${rank}`);
  assert.match((await page.textContent('#robust-rated')) ?? '', /Analyst feedback changed this score/);
  await shot(page, 'explain-robust-dns-rated');
  await page.close();
  const text = await runCliAsync(['show', '--scored', t.days.scored('dns'), '--top', String(rank)]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /rated: analyst feedback changed S; its parts add up to/);
});
