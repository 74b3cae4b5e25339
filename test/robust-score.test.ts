import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Engine } from '../src/engine/engine.js';
import { internalAddress, registeredDomain } from '../src/scoring/robust/profiles.js';
import {
  buildAggregates, combine, featureSurprise, hostAnomalies, hostFanout, pairBehaviour, peerRarity, rankScores,
} from '../src/scoring/robust/surprise.js';
import { withEngine } from './helpers.js';

// Unit tests of each part of the robust score (src/scoring/robust/aggregates.ts and surprise.ts), on small
// event tables in DuckDB. Hosts and peers are identified by hash(name), as rb_events has them.

interface Ev { host: string; peer: string; t: number; f0: string; size?: number; outb?: number; init?: boolean }

async function events(engine: Engine, rows: readonly Ev[]): Promise<void> {
  const values = rows.map((e, i) =>
    `('f', ${i}, hash('${e.host}'), hash('${e.peer}'), ${e.init ?? true}, ${e.t}, ${e.size ?? 100}, ${e.outb ?? 100}, '${e.f0}')`);
  await engine.exec(`CREATE OR REPLACE TEMP TABLE rb_events AS
    SELECT spot_file, spot_row, host, peer, init, CAST(t AS BIGINT) AS t, CAST(size AS BIGINT) AS size, CAST(outb AS BIGINT) AS outb, f0
    FROM (VALUES ${values.join(', ')}) v(spot_file, spot_row, host, peer, init, t, size, outb, f0)`);
  await buildAggregates(engine, 1);
}

/** Ten hosts each using port 443 with its own peer, plus the given events. */
const population = (extra: Ev[] = []): Ev[] => [
  ...Array.from({ length: 10 }, (_, h) => ({ host: `h${h}`, peer: 'common', t: 3600 * 10 + h, f0: '443' })),
  ...extra,
];

const one = async (engine: Engine, sql: string) => (await engine.rows(sql))[0];

/** The feature surprise of the host's events with value f0: 0 unless they are an explicit combination. */
const surpriseOf = async (engine: Engine, host: string, f0: string) =>
  Number((await one(engine, `SELECT coalesce(max(c.a), 0) AS a FROM rb_combo_a c JOIN rb_explicit x USING (combo) WHERE x.host = hash('${host}') AND x.f0 = '${f0}'`)).a);

test('feature rarity: ln(H / hosts with the value); a value the host shows with many peers or hours is not odd', () =>
  withEngine(async (engine) => {
    const routine = Array.from({ length: 30 }, (_, i) => ({ host: 'h1', peer: `client${i}`, t: 3600 * (i % 24), f0: '8443' }));
    await events(engine, population([{ host: 'h0', peer: 'x', t: 0, f0: '4444' }, ...routine]));
    await featureSurprise(engine, 1);
    const a = (host: string, f0: string) => surpriseOf(engine, host, f0);
    assert.ok(Math.abs((await a('h0', '4444')) - Math.log(10)) < 1e-9, 'one host of ten, one peer: ln 10');
    assert.equal(await a('h0', '443'), 0, 'every host has it');
    assert.equal(await a('h1', '8443'), 0, 'ln 10 less ln(30 peer-hours), floored at 0');
  }));

test('feature rarity: repeating a value with one peer in one hour does not make it familiar (a beacon stays odd)', () =>
  withEngine(async (engine) => {
    const beacon = Array.from({ length: 50 }, (_, i) => ({ host: 'h2', peer: 'c2', t: 7200 + 60 * i, f0: '8080' }));
    await events(engine, population(beacon));
    await featureSurprise(engine, 1);
    const a = await surpriseOf(engine, 'h2', '8080');
    // 50 events over 50 minutes: at most 2 hour slots with the one peer.
    assert.ok(Number(a) >= Math.log(10) - Math.log(2) - 1e-9, `a = ${a}`);
  }));

test('peer rarity: ln(H / hosts dealing with the peer)', () =>
  withEngine(async (engine) => {
    await events(engine, population([{ host: 'h3', peer: 'rare.example', t: 0, f0: '443' }]));
    await peerRarity(engine);
    const rows = await engine.rows(`SELECT CASE WHEN peer = hash('common') THEN 'common' ELSE 'rare.example' END AS peer, hosts, b FROM rb_peer ORDER BY peer`);
    assert.deepEqual(rows.map((r) => [r.peer, Number(r.hosts)]), [['common', 10], ['rare.example', 1]]);
    assert.equal(Number(rows[0].b), 0);
    assert.ok(Math.abs(Number(rows[1].b) - Math.log(10)) < 1e-9);
  }));

test('pair behaviour: a fixed interval and size give regularity ln(n − 1); random gaps or sizes give far less; routine is the share of the host\'s hours', () =>
  withEngine(async (engine) => {
    const beacon = Array.from({ length: 21 }, (_, i) => ({ host: 'b', peer: 'c2', t: 1000 + 300 * i, f0: '443', size: 512 }));
    // Gaps and sizes drawn from a fixed irregular sequence.
    const gaps = [5, 400, 37, 1200, 90, 3, 800, 60, 2500, 15, 700, 240, 9, 1800, 120, 33, 950, 7, 300, 1500];
    let t = 0;
    const noisy = gaps.map((g, i) => ({ host: 'n', peer: 'cdn', t: (t += g), f0: '443', size: [100, 5000, 800, 30000][i % 4] }));
    const other = [{ host: 'b', peer: 'common', t: 23 * 3600, f0: '443' }];
    await events(engine, population([...beacon, ...noisy, ...other]));
    await pairBehaviour(engine);
    const pair = async (host: string) => one(engine, `SELECT n, reg, routine FROM rb_pair WHERE host = hash('${host}') AND peer <> hash('common')`);
    const b = await pair('b');
    assert.equal(Number(b.n), 21);
    assert.ok(Math.abs(Number(b.reg) - Math.log(20)) < 1e-9, `beacon regularity ${b.reg}`);
    // The beacon's 2 hours out of the host's 3 active hours (hours 0, 1 and 23).
    assert.ok(Math.abs(Number(b.routine) - 2 / 3) < 1e-9, `routine ${b.routine}`);
    assert.ok(Number((await pair('n')).reg) < 0.1 * Math.log(19));
  }));

test('host fan-out: ln(1 + rare² / peers) over the peers the host initiated', () =>
  withEngine(async (engine) => {
    const dga = Array.from({ length: 8 }, (_, i) => ({ host: 'h4', peer: `x${i}.example`, t: i, f0: '443' }));
    await events(engine, population(dga));
    await peerRarity(engine);
    await hostFanout(engine);
    const { fanout } = await one(engine, `SELECT fanout FROM rb_host WHERE host = hash('h4')`);
    assert.ok(Math.abs(Number(fanout) - Math.log(1 + 64 / 9)) < 1e-9, `fanout ${fanout}`);
    const plain = await one(engine, `SELECT fanout FROM rb_host WHERE host = hash('h5')`);
    assert.equal(Number(plain.fanout), 0);
  }));

test('host anomalies: ln(1 + Σ (A / ln H)²) over the host\'s kinds of event', () =>
  withEngine(async (engine) => {
    const scan = Array.from({ length: 5 }, (_, i) => ({ host: 'h6', peer: 'server', t: i, f0: `port${i}` }));
    await events(engine, population(scan));
    await featureSurprise(engine, 1);
    await hostAnomalies(engine);
    const { g } = await one(engine, `SELECT g FROM rb_host_odd WHERE host = hash('h6')`);
    assert.ok(Math.abs(Number(g) - Math.log(1 + 5)) < 1e-9, `g ${g}`);
  }));

/** Every step after the aggregates, in order (`atMost`: combine's limit of units to rank). */
async function allSteps(engine: Engine, atMost?: number): Promise<void> {
  await featureSurprise(engine, 1);
  await peerRarity(engine);
  await pairBehaviour(engine);
  await hostFanout(engine);
  await hostAnomalies(engine);
  await combine(engine, atMost);
}

test('combination and ranking: S adds the parts; the score is the share of events at least as suspicious', () =>
  withEngine(async (engine) => {
    await events(engine, population([{ host: 'h7', peer: 'rare', t: 0, f0: '4444', outb: 1e6 }]));
    await allSteps(engine);
    const r = await one(engine, `SELECT p.*, s.s FROM rb_parts p JOIN rb_surprise s USING (combo) JOIN rb_explicit x USING (combo) WHERE x.host = hash('h7') AND x.f0 = '4444'`);
    const expected = Number(r.a) + (1 - Number(r.routine)) * Number(r.b) +
      Number(r.r) * ((1 - Number(r.routine)) * (Number(r.persistence) + Number(r.volume)) + Number(r.reg)) + Number(r.r) * Number(r.fanout) + Number(r.host_odd);
    assert.ok(Math.abs(Number(r.s) - expected) < 1e-9);
    assert.ok(Number(r.volume) > 0, 'a million bytes against a median of 100');
    // The other ten events: each host's initiated event with the common peer (a pair unit).
    const units = await engine.rows(`SELECT kind, sum(n) AS n FROM rb_surprise GROUP BY kind ORDER BY kind`);
    assert.deepEqual(units.map((u) => [Number(u.kind), Number(u.n)]), [[0, 1], [1, 10]]);
    await rankScores(engine);
    const scores = await engine.rows(`SELECT kind, host, score FROM rb_unit_score ORDER BY score`);
    assert.equal(scores[0].host, (await one(engine, `SELECT hash('h7') AS h`)).h);
    assert.ok(Math.abs(Number(scores[0].score) - 1 / 11) < 1e-9, 'the most suspicious of 11 events: 1/11');
    assert.ok(scores.every((s) => Number(s.score) > 0 && Number(s.score) <= 1));
    assert.equal(Number(scores[scores.length - 1].score), 1);
  }));

test('candidates: a (host, value) left out of the explicit combinations has feature surprise 0 (the full count agrees)', () =>
  withEngine(async (engine) => {
    // Hosts with values of every kind: common, rare with one peer, rare with many peers or hours, a burst.
    const extra: Ev[] = [];
    for (let h = 0; h < 10; h++) {
      for (let i = 0; i <= h; i++) extra.push({ host: `h${h}`, peer: `p${(h * 7 + i) % 13}`, t: 3600 * ((h + 5 * i) % 24), f0: `v${i % 4}` });
      if (h % 3 === 0) extra.push({ host: `h${h}`, peer: 'q', t: 60 * h, f0: 'rare' });
    }
    await events(engine, population(extra));
    await featureSurprise(engine, 1);
    // Every (host, value) counted in full, as the formula reads.
    const full = await engine.rows(`
      WITH slots AS (SELECT host, f0 AS v, count(DISTINCT (peer, t // 3600)) AS slots FROM rb_events GROUP BY ALL),
      pop AS (SELECT v, count(*) AS hosts FROM slots GROUP BY v)
      SELECT host, v, greatest(0, ln((SELECT count(DISTINCT host) FROM rb_events) / hosts) - ln(slots)) AS s FROM slots JOIN pop USING (v)`);
    let odd = 0;
    for (const r of full) {
      const got = Number((await one(engine, `SELECT coalesce(max(c.a), 0) AS a FROM rb_combo_a c JOIN rb_explicit x USING (combo) WHERE x.host = ${r.host} AND x.f0 = '${r.v}'`)).a);
      assert.ok(Math.abs(got - Number(r.s)) < 1e-12, `host ${r.host} value ${r.v}: ${got} against ${r.s}`);
      if (Number(r.s) > 0) odd++;
    }
    assert.ok(odd > 0, 'some values are odd');
    const [{ candidates, values }] = await engine.rows(`SELECT (SELECT count(*) FROM rb_candidates_0) AS candidates, (SELECT count(*) FROM rb_values_0) AS values`);
    assert.ok(Number(candidates) < Number(values), `some (host, value)s were not counted in full: ${candidates} of ${values}`);
  }));

/** Runs every step after the aggregates and returns the units, in a fixed order. */
async function allUnits(engine: Engine): Promise<Record<string, unknown>[]> {
  await allSteps(engine);
  return engine.rows(`SELECT kind, combo, host, peer, n, s FROM rb_surprise ORDER BY kind, combo, host, peer`);
}

test('units: every event is in one unit, events the host did not initiate and no odd feature score 0, and the result does not depend on the order of the rows', () =>
  withEngine(async (engine) => {
    const beacon = Array.from({ length: 12 }, (_, i) => ({ host: 'b', peer: 'c2', t: 500 + 600 * i, f0: '8443', size: 300 + (i % 2) }));
    const inbound = Array.from({ length: 6 }, (_, i) => ({ host: `h${i}`, peer: `client${i}`, t: 3600 * i, f0: '443', init: false }));
    const odd = Array.from({ length: 5 }, (_, i) => ({ host: 'h3', peer: `x${i}`, t: 7 * i, f0: `p${i}` }));
    const rows = population([...beacon, ...inbound, ...odd]);
    await events(engine, rows);
    const first = await allUnits(engine);
    assert.equal(first.reduce((n, u) => n + Number(u.n), 0), rows.length);
    assert.ok(first.some((u) => Number(u.kind) === 2 && Number(u.n) === 6 && Number(u.s) === 0), 'the inbound events: S = 0');
    // The same events in two other orders, through the same steps: the same units, bit for bit.
    for (const order of ['spot_row DESC', 'hash(spot_row, 7)']) {
      await engine.exec(`CREATE OR REPLACE TEMP TABLE rb_shuffled AS SELECT * FROM rb_events ORDER BY ${order};
        CREATE OR REPLACE TEMP TABLE rb_events AS SELECT * FROM rb_shuffled`);
      await buildAggregates(engine, 1);
      assert.deepEqual(await allUnits(engine), first, order);
    }
  }));

test('profiles: internal addresses and registered domains', async () => {
  const rows = await withEngine((engine) => engine.rows(`
    SELECT ip, ${internalAddress('ip')} AS internal FROM (VALUES ('10.1.2.3'), ('172.20.0.1'), ('172.32.0.1'), ('192.168.1.1'), ('8.8.8.8'),
      ('100.64.0.1'), ('fd00::1'), ('100.128.0.1'), ('172.15.9.9'), ('::1'), ('FE80::1'), ('2001:db8::1'), ('f.example'), ('127.0.0.1'), (NULL)) v(ip)`));
  assert.deepEqual(rows.map((r) => r.internal), [true, true, false, true, false, true, true, false, false, true, true, false, false, true, null]);
  const names = await withEngine((engine) => engine.rows(`
    SELECT ${registeredDomain('n')} AS d FROM (VALUES ('a.b.example.com'), ('www.bbc.co.uk'), ('d123.cloudfront.net'), ('localhost'), ('10.0.0.1')) v(n)`));
  assert.deepEqual(names.map((r) => r.d), ['example.com', 'bbc.co.uk', 'cloudfront.net', 'localhost', '10.0.0.1']);
});

test('ranking the first atMost events: pairs whose P cannot reach the cut-off are left out, the scores are the same', () =>
  withEngine(async (engine) => {
    // 40 hosts: the common service, one-off peers with sizes from 1 byte to 10 MB, repeated contacts, a few odd ports.
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const rows: Ev[] = population();
    for (let h = 0; h < 40; h++) {
      rows.push({ host: `h${h}`, peer: 'common', t: 3600 * (h % 24), f0: '443' });
      for (let i = 0; i < 12; i++) {
        const peer = next() < 0.5 ? `shared${i % 5}` : `p${h}-${i}`;
        const repeat = next() < 0.2 ? 4 : 1;
        for (let r = 0; r < repeat; r++) {
          rows.push({ host: `h${h}`, peer, t: Math.floor(next() * 86400), f0: next() < 0.05 ? `odd${h}` : '443', outb: Math.floor(10 ** (next() * 7)), init: next() < 0.9 });
        }
      }
    }
    await events(engine, rows);
    const ranked = async (atMost: number | undefined) => {
      await allSteps(engine, atMost);
      await rankScores(engine, 'rb_surprise', 25);
      const [{ pairs }] = await engine.rows('SELECT count(*) AS pairs FROM rb_pair_p');
      const units = await engine.rows('SELECT kind, combo, host, peer, score FROM rb_unit_score ORDER BY score, kind, combo, host, peer');
      return { pairs: Number(pairs), count: units.length, units: JSON.stringify(units, (_, v) => (typeof v === 'bigint' ? String(v) : v)) };
    };
    const full = await ranked(undefined);
    const pruned = await ranked(25);
    const [{ initiated }] = await engine.rows('SELECT count(*) AS initiated FROM rb_pairs WHERE n_init > 0');
    assert.ok(pruned.pairs < Number(initiated) / 2, `pairs scored: ${pruned.pairs} of ${initiated} initiated`);
    assert.ok(full.pairs >= Number(initiated));
    assert.ok(full.count >= 25, `units ranked: ${full.count}`);
    assert.equal(pruned.units, full.units);
  }));
