import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { consoleDays, DATE, startConsole, type ConsoleDays, type RunningConsole } from './console-fixture.js';

let days: ConsoleDays;
let c: RunningConsole;

before(async () => {
  days = await consoleDays('console-api');
  c = await startConsole(days);
});
after(async () => c?.close());

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(c.url + path.replace(/^\//, ''), { headers });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (res.headers.get('content-type') ?? '').includes('json') ? await res.json() : await res.text() };
};
const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(c.url + path.replace(/^\//, ''), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Spot-Token': c.server.csrfToken, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
};
const flow = `/api/days/${DATE}/flow`;
const dns = `/api/days/${DATE}/dns`;
const proxy = `/api/days/${DATE}/proxy`;

test('days: every scored day and type of the spot.conf with its summary and rated count', async () => {
  const r = await get('/api/days');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.map((d: any) => d.type), ['flow', 'dns', 'proxy']);
  for (const d of r.body) {
    assert.equal(d.day, DATE);
    assert.equal(d.summary.rowsRead, d.summary.invalid + d.summary.notFeaturised + d.summary.scored);
    assert.equal(d.rated, 0);
  }
});

test('events: score order with rank and percentile; paging; sorting', async () => {
  const first = await get(`${flow}/events?limit=20`);
  assert.equal(first.status, 200);
  assert.equal(first.body.rows.length, 20);
  assert.deepEqual(first.body.rows.map((r: any) => r.rank), Array.from({ length: 20 }, (_, i) => i + 1));
  const scores = first.body.rows.map((r: any) => r.score);
  assert.deepEqual(scores, [...scores].sort((a, b) => a - b));
  const pcts = first.body.rows.map((r: any) => r.percentile);
  assert.ok(pcts.every((p: number, i: number) => p > 0 && p <= 100 && (i === 0 || p >= pcts[i - 1])));
  assert.ok(first.body.rows[0].labelled.some((l: any) => l.label === 'source'));
  const second = await get(`${flow}/events?limit=20&offset=20`);
  assert.equal(second.body.rows[0].rank, 21);
  assert.equal(second.body.total, first.body.total);
  const byPort = await get(`${flow}/events?sort=dport&dir=desc&limit=5`);
  const ports = byPort.body.rows.map((r: any) => Number(r.fields.dport));
  assert.deepEqual(ports, [...ports].sort((a, b) => b - a));
});

test('events: bad paging values, sort columns and unknown days or types are JSON errors, and the server keeps serving', async () => {
  for (const q of ['limit=0', 'limit=abc', 'limit=100000', 'offset=-1', 'offset=1.5', 'sort=score;DROP', 'dir=up', 'rated=maybe', 'min=x']) {
    const r = await get(`${flow}/events?${q}`);
    assert.equal(r.status, 400, q);
    assert.match(r.type, /json/);
    assert.ok(r.body.error.length > 0);
  }
  assert.equal((await get(`/api/days/20990101/flow/events`)).status, 404);
  assert.equal((await get(`/api/days/${DATE}/netflow/events`)).status, 404);
  assert.equal((await get(`/api/days/..%2F..%2Fetc/flow/events`)).status, 404);
  assert.equal((await get(`/api/nothing`)).status, 404);
  assert.equal((await get(`${flow}/events/0`)).status, 400);
  assert.equal((await get(`${flow}/events/99999999`)).status, 404);
  assert.equal((await get(`${dns}/network`)).status, 400);
  assert.equal((await get(`${dns}/events?port=53`)).status, 400);
  assert.equal((await get('/api/days')).status, 200);
});

test('events: filters on free text, port, protocol, score range and rated', async () => {
  const all = (await get(`${flow}/events?limit=1000`)).body;
  const ip = all.rows[0].fields.sip;
  const byIp = (await get(`${flow}/events?q=${encodeURIComponent(ip)}&limit=1000`)).body;
  assert.ok(byIp.total > 0 && byIp.rows.every((r: any) => r.fields.sip.includes(ip) || r.fields.dip.includes(ip)));
  const port = all.rows[0].fields.dport;
  const byPort = (await get(`${flow}/events?port=${port}&limit=1000`)).body;
  assert.ok(byPort.total > 0 && byPort.rows.every((r: any) => r.fields.sport === port || r.fields.dport === port));
  const udp = (await get(`${flow}/events?proto=udp&limit=1000`)).body;
  assert.ok(udp.rows.every((r: any) => r.fields.proto === 'UDP'));
  const mid = all.rows[10].score;
  const range = (await get(`${flow}/events?max=${mid}&limit=1000`)).body;
  assert.ok(range.rows.every((r: any) => r.score <= mid) && range.total >= 11);
  const pair = (await get(`${flow}/events?ip=${all.rows[0].fields.sip}&ip=${all.rows[0].fields.dip}`)).body;
  assert.ok(pair.total >= 1 && pair.rows[0].rank === 1);
  const name = (await get(`${dns}/events?q=evil.com`)).body;
  assert.equal(name.total, 1);
  const uri = (await get(`${proxy}/events?q=k9lx-stat&proto=POST`)).body;
  assert.ok(uri.total >= 3);
  assert.equal((await get(`${proxy}/events?rated=rated`)).body.total, 0);
});

test('explain: a flow event decoded, its scoring side and its score taken apart', async () => {
  const r = await get(`${flow}/events/1`);
  assert.equal(r.status, 200);
  const e = r.body;
  assert.equal(e.slots.length, 2);
  assert.deepEqual(e.slots.map((s: any) => s.side), ['source', 'destination']);
  for (const s of e.slots) {
    assert.match(s.word, /^(-1_)?\d+_[A-Z]+_\d+_\d+_\d+$/);
    assert.ok(s.parts.some((p: any) => p.part === 'port rule'));
    assert.equal(s.breakdown.theta.length, 20);
    assert.ok(s.breakdown.ipWordCount >= 1 && s.breakdown.ipsWithWord >= 1);
  }
  const scoring = e.slots.find((s: any) => s.scoring);
  assert.equal(scoring.side, e.scoringSide);
  const rel = Math.abs(scoring.breakdown.score - e.score) / e.score;
  assert.ok(rel < 1e-9, `pair score ${scoring.breakdown.score} vs event score ${e.score}`);
  assert.ok(e.slots.every((s: any) => s.breakdown.score >= e.score * (1 - 1e-9)));
  const d = (await get(`${dns}/events/1`)).body;
  assert.ok(d.slots[0].parts.some((p: any) => p.part === 'query type'));
  assert.ok(Math.abs(d.slots[0].breakdown.score - d.score) / d.score < 1e-9);
  const p = (await get(`${proxy}/events/1`)).body;
  assert.ok(Math.abs(p.slots[0].breakdown.score - p.score) / p.score < 1e-9);
});

test('ip view, network view, histogram and export', async () => {
  const top = (await get(`${flow}/events?limit=1`)).body.rows[0];
  const ipv = (await get(`/api/days/${DATE}/flow/ips/${top.fields.sip}`)).body;
  assert.equal(ipv.theta.length, 20);
  assert.ok(ipv.words.length > 0 && ipv.events.length > 0 && ipv.events[0].rank === 1);
  // corpus.parquet holds ids: the IP's pairs come back with their words' names, most frequent first.
  assert.ok(ipv.words.every((w: any) => /^\S+_\S+/.test(w.word) && w.parts.length > 0 && w.count >= 1 && w.score > 0));
  assert.ok(ipv.words.every((w: any, i: number) => i === 0 || ipv.words[i - 1].count >= w.count));
  const net = (await get(`${flow}/network?top=50`)).body;
  assert.ok(net.edges.length > 0 && net.edges.length <= 50);
  assert.ok(net.nodes.some((n: any) => n.internal) && net.nodes.some((n: any) => !n.internal));
  assert.equal((await get(`${flow}/network?top=-3`)).status, 400);
  const h = (await get(`${flow}/histogram`)).body;
  assert.equal(h.distribution.slotsPerEvent, 2);
  assert.equal(h.distribution.slots, 2 * (await get('/api/days')).body[0].summary.scored);
  const csv = await get(`${flow}/export.csv?proto=UDP`);
  assert.equal(csv.status, 200);
  const udpTotal = (await get(`${flow}/events?proto=UDP`)).body.total;
  const lines = (csv.body as string).trim().split('\n');
  assert.equal(lines.length, udpTotal + 1);
  assert.match(lines[0], /^rank,treceived,/);
  const json = await get(`${dns}/export.json?q=probe.com`);
  assert.equal(json.body.length, 1);
  assert.match(json.body[0].dns_qry_name, /<script>/);
});

test('rating: Spot-layout lines, replaced not duplicated, refused without the token or from another origin', async () => {
  const file = days.feedback('flow');
  assert.equal((await post(`${flow}/events/2/rating`, { rating: 'low' }, { 'X-Spot-Token': 'wrong' })).status, 403);
  assert.equal((await post(`${flow}/events/2/rating`, { rating: 'low' }, { Origin: 'http://evil.example' })).status, 403);
  assert.equal((await post(`${flow}/events/2/rating`, { rating: 'low' }, { 'Sec-Fetch-Site': 'cross-site' })).status, 403);
  assert.equal((await post(`${flow}/events/2/rating`, { rating: 'extreme' })).status, 400);
  assert.equal(existsSync(file), false);
  const r = await post(`${flow}/events/2/rating`, { rating: 'high' });
  assert.equal(r.status, 200);
  const ev = (await get(`${flow}/events?limit=2`)).body.rows[1];
  const f = ev.fields;
  const expected = `1,${f.treceived},${f.sip},${f.dip},${f.sport},${f.dport},${f.ipkt},${f.ibyt},${f.proto}`;
  assert.equal(readFileSync(file, 'utf8'), `sev,tstart,sip,dip,sport,dport,ipkt,ibyt,proto\n${expected}\n`);
  assert.equal(ev.rating, 1);
  // Concurrent ratings of the same event (and one of another): one line per event afterwards.
  const ratings = ['low', 'medium', 'high', 'low', 'medium', 'low', 'high', 'low'];
  const results = await Promise.all([...ratings.map((x) => post(`${flow}/events/2/rating`, { rating: x })), post(`${flow}/events/3/rating`, { rating: 'medium' })]);
  assert.ok(results.every((x) => x.status === 200));
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  assert.equal(lines.length, 3);
  assert.equal(lines.filter((l) => l.slice(2) === expected.slice(2)).length, 1);
  assert.equal((await get(`${flow}/events?rated=rated`)).body.total, 2);
  assert.equal((await get(`${flow}/events?rated=medium`)).body.rows[0].rank, 3);
  assert.equal((await get('/api/days')).body[0].rated, 2);
});

test('allow-list: IPs, CIDRs and wildcard domains hide events, with a count and a toggle', async () => {
  assert.equal((await post('/api/allowlist', { text: 'not an entry!' })).status, 400);
  const top = (await get(`${flow}/events?limit=1`)).body.rows[0].fields;
  const saved = await post('/api/allowlist', { text: `# test\n${top.sip}\n192.0.2.0/24\n*.evil.com\n` });
  assert.equal(saved.status, 200);
  assert.deepEqual(saved.body.entries, [top.sip, '192.0.2.0/24', '*.evil.com']);
  const flowPage = (await get(`${flow}/events?limit=5`)).body;
  assert.ok(flowPage.hidden > 0);
  assert.ok(flowPage.rows.every((r: any) => r.fields.sip !== top.sip && r.fields.dip !== top.sip));
  const shown = (await get(`${flow}/events?limit=5&hidden=show`)).body;
  assert.equal(shown.rows[0].rank, 1);
  assert.equal(shown.rows[0].allowlisted, true);
  assert.equal(shown.total, flowPage.total + flowPage.hidden);
  const dnsPage = (await get(`${dns}/events?q=evil.com`)).body;
  assert.equal(dnsPage.total, 0);
  assert.equal(dnsPage.hidden, 1);
  const cidr = await post('/api/allowlist', { text: '10.0.0.0/8\n' });
  assert.equal(cidr.status, 200);
  const internal = (await get(`${flow}/events?limit=1000`)).body;
  assert.ok(internal.rows.every((r: any) => !r.fields.sip.startsWith('10.') && !r.fields.dip.startsWith('10.')));
  assert.equal((await post('/api/allowlist', { text: '' })).status, 200);
  assert.equal((await get(`${flow}/events?limit=1`)).body.hidden, 0);
});

test('re-score in the background with live progress; what moved', async () => {
  assert.equal((await get(`${dns}/moved`)).body.previous, null);
  const top = (await get(`${dns}/events?limit=1`)).body.rows[0];
  assert.equal((await post(`${dns}/events/1/rating`, { rating: 'low' })).status, 200);
  const job = await post(`${dns}/rescore`, {});
  assert.equal(job.status, 202);
  assert.equal((await post(`${dns}/rescore`, {})).status, 409);
  let state = job.body;
  for (let i = 0; i < 600 && state.state === 'running'; i++) {
    await new Promise((r) => setTimeout(r, 250));
    state = (await get(`/api/jobs/${job.body.id}`)).body;
  }
  assert.equal(state.state, 'done', state.lines.join('\n'));
  assert.ok(state.lines.length > 0);
  const moved = (await get(`${dns}/moved?top=10`)).body;
  assert.equal(moved.previous, 'history', 'the previous run is found in the run history');
  assert.equal(moved.rated.length, 1);
  assert.equal(moved.rated[0].rankBefore, 1);
  assert.ok(moved.rated[0].rankAfter === null || moved.rated[0].rankAfter > 1, JSON.stringify(moved.rated[0]));
  assert.equal(moved.rated[0].fields.dns_qry_name, top.fields.dns_qry_name);
  assert.ok(moved.left.some((e: any) => e.rankBefore === 1));
  assert.equal((await get('/api/jobs/12345')).status, 404);
});

test('a loopback console answers only to loopback Host names', async () => {
  const { request } = await import('node:http');
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(c.url + 'api/days', { headers: { Host: 'attacker.example:80' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(status, 403);
});

test('with an access token, every request needs it', async () => {
  const t = await startConsole(days, { accessToken: 'sekret-token' });
  try {
    assert.equal((await fetch(t.url + 'api/days')).status, 401);
    assert.equal((await fetch(t.url)).status, 401);
    assert.equal((await fetch(t.url + 'api/days', { headers: { Authorization: 'Bearer sekret-token' } })).status, 200);
    const login = await fetch(t.url + '?token=sekret-token', { redirect: 'manual' });
    assert.equal(login.status, 303);
    const cookie = login.headers.get('set-cookie') ?? '';
    assert.match(cookie, /HttpOnly/);
    assert.equal((await fetch(t.url + 'api/days', { headers: { Cookie: cookie.split(';')[0] } })).status, 200);
  } finally {
    await t.close();
  }
});
