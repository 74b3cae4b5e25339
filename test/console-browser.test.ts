import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { consoleInBrowser, SCREENSHOTS } from './headless-chromium.js';
import { consoleDays, DATE, PROBE_NAMES } from './console-fixture.js';

const t = consoleInBrowser(() => consoleDays('console-browser'));

async function open(path: string): Promise<Page> {
  const page = await t.browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (err) => assert.fail(`script error on the page: ${err.message}`));
  await page.goto(t.c.url + path.replace(/^\//, ''));
  await page.waitForSelector('body[data-ready]');
  assert.equal(await page.getAttribute('body', 'data-ready'), 'true', await page.textContent('#app') ?? '');
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
const ranks = (page: Page) => page.$$eval('#events tbody tr', (rows) => rows.map((r) => Number(r.getAttribute('data-rank'))));

test('events page: top events in score order, paging and a filter', async () => {
  const page = await open(`/days/${DATE}/flow`);
  assert.deepEqual(await ranks(page), Array.from({ length: 50 }, (_, i) => i + 1));
  const scores = await page.$$eval('#events tbody tr td:nth-last-child(4)', (tds) => tds.map((t) => Number(t.textContent)));
  assert.deepEqual(scores, [...scores].sort((a, b) => a - b));
  assert.ok((await page.$$('canvas')).length >= 1, 'the log10(score) histogram');
  await shot(page, 'events-flow');
  await page.click('.pager >> text=next →');
  await page.waitForSelector('body[data-ready]');
  assert.match(page.url(), /offset=50/);
  assert.equal((await ranks(page))[0], 51);
  const ip = await page.$eval('#events tbody tr td:nth-child(3)', (td) => td.textContent!.split(' : ')[0]);
  await page.fill('input[name=q]', ip);
  await page.click('#filters button[type=submit]');
  await page.waitForSelector('body[data-ready]');
  assert.match(page.url(), new RegExp(`q=${ip.replaceAll('.', '\\.')}`));
  const shown = await page.$$eval('#events tbody tr', (rows) => rows.map((r) => r.textContent ?? ''));
  assert.ok(shown.length > 0 && shown.every((t) => t.includes(ip)));
  await shot(page, 'events-flow-filtered');
  await page.close();
});

test('explain view of the top flow: decoded word, scoring side and the θ / φ breakdown', async () => {
  const page = await open(`/days/${DATE}/flow/events/1`);
  const words = await page.$$eval('code.word', (els) => els.map((e) => e.textContent));
  assert.equal(words.length, 2);
  assert.ok(words.every((w) => /_TCP_|_UDP_|_ICMP_/.test(w ?? '')));
  const parts = await page.$$eval('table.parts tbody tr td:first-child', (tds) => tds.map((t) => t.textContent));
  for (const p of ['port rule', 'protocol', 'hour', 'bytes bin', 'packets bin']) assert.ok(parts.includes(p), p);
  assert.match((await page.textContent('#scoring-side')) ?? '', /Scored by the (source|destination) side/);
  const breakdown = await page.$$eval('table.breakdown thead th', (ths) => ths.map((t) => t.textContent));
  assert.deepEqual(breakdown.slice(0, 4), ['topic', 'θ (IP)', 'φ (word)', 'θ·φ']);
  assert.ok((await page.$$('table.breakdown tbody tr')).length > 0);
  assert.ok((await page.$$('.slot canvas')).length === 2, 'a θ chart per side');
  await shot(page, 'explain-flow');
  await page.close();
});

test('clicking "low risk" adds exactly the expected Spot-layout line to the feedback file', async () => {
  const page = await open(`/days/${DATE}/flow`);
  const f = await page.evaluate(async (u) => (await (await fetch(u)).json()).rows[0].fields, `/api/days/${DATE}/flow/events?limit=1`);
  await page.click('#events tbody tr[data-rank="1"] button[data-rating="low"]');
  await page.waitForSelector('#events tbody tr[data-rank="1"] button[data-rating="low"][aria-pressed="true"]');
  const expected = `3,${f.treceived},${f.sip},${f.dip},${f.sport},${f.dport},${f.ipkt},${f.ibyt},${f.proto}`;
  assert.equal(readFileSync(t.days.feedback('flow'), 'utf8'), `sev,tstart,sip,dip,sport,dport,ipkt,ibyt,proto\n${expected}\n`);
  await shot(page, 'rated-low');
  await page.close();
});

test('re-scoring from the page completes and the rated event moves down', async () => {
  const page = await open(`/days/${DATE}/flow`);
  assert.ok(existsSync(t.days.feedback('flow')), 'the previous test rated rank 1 low');
  await page.click('#rescore');
  await page.waitForSelector('#rescore-status[data-state]', { timeout: 240_000 });
  assert.equal(await page.getAttribute('#rescore-status', 'data-state'), 'done', (await page.textContent('#rescore-log')) ?? '');
  await shot(page, 'rescored');
  await page.click('text=see what moved');
  await page.waitForSelector('body[data-ready]');
  const rated = await page.$$eval('#moved-rated tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
  assert.equal(rated.length, 1);
  assert.equal(rated[0][0], '1');
  assert.ok(rated[0][1] === 'not reported' || Number(rated[0][1]) > 1, `rank now ${rated[0][1]}`);
  assert.equal(rated[0][3], 'low');
  await shot(page, 'moved');
  await page.close();
});

test('a DNS name holding HTML and script renders as text and runs nothing', async () => {
  for (const q of ['evil.com', 'probe.com']) {
    const page = await open(`/days/${DATE}/dns?q=${q}`);
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    const cells = await page.$$eval('#events tbody td', (tds) => tds.map((t) => t.textContent ?? ''));
    assert.ok(cells.some((t) => PROBE_NAMES.includes(t)), cells.join(' | '));
    assert.equal(await page.$$eval('#app img, #app script', (els) => els.length), 0);
    const rank = await page.$eval('#events tbody tr', (r) => r.getAttribute('data-rank'));
    await shot(page, `xss-${q}`);
    await page.goto(`${t.c.url}days/${DATE}/dns/events/${rank}`);
    await page.waitForSelector('body[data-ready]');
    const fields = await page.$$eval('#event-fields dd', (dds) => dds.map((d) => d.textContent));
    assert.ok(fields.some((t) => PROBE_NAMES.includes(t ?? '')));
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await page.$$eval('#app img, #app script', (els) => els.length), 0);
    assert.equal(dialogs, 0);
    await page.close();
  }
});

test('a POST from a page of another origin is refused', async () => {
  const target = `${t.c.url}api/days/${DATE}/flow/events/5/rating`;
  const evil: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(`<!doctype html><form id="f" method="post" action="${target}" enctype="text/plain"><input name='{"rating":"low","x":"' value='"}'></form>
      <script>fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: '{"rating":"low"}' });</script>`);
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  const feedback = () => (existsSync(t.days.feedback('flow')) ? readFileSync(t.days.feedback('flow'), 'utf8') : '(none)');
  const before = feedback();
  const page = await t.browser.newPage();
  try {
    // The script's fetch: the server answers 403, and the browser also withholds the answer from the other
    // origin (Cross-Origin-Resource-Policy), so the page sees a failed request.
    const fetched = new Promise<string>((resolve) => {
      page.on('response', (r) => r.url() === target && resolve(String(r.status())));
      page.on('requestfailed', (r) => r.url() === target && resolve(r.failure()?.errorText ?? 'failed'));
    });
    await page.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`);
    assert.match(await fetched, /^403$|ERR_BLOCKED_BY_RESPONSE/);
    const posted = page.waitForResponse((r) => r.url() === target);
    await page.evaluate(() => (document.getElementById('f') as HTMLFormElement).submit());
    const form = await posted;
    assert.equal(form.status(), 403);
    await page.screenshot({ path: join(SCREENSHOTS, 'cross-origin-refused.png') });
    assert.equal(feedback(), before);
  } finally {
    await page.close();
    evil.close();
  }
});
