/**
 * The parts of the robust score, each a SQL step over small tables so it can be tested on its own. All
 * surprises are in nats (−ln of a share): an event odd in several independent ways adds them up.
 *
 * Tables: rb_events (one row per scorable event: spot_file, spot_row, host, peer, init, t, size, outb,
 * f0..f<m-1>; for flow a view over the day's input, read here, for the gaps and for the reported events) →
 * rb_combos (distinct host, peer, init and features, with their event count n) and rb_pair_base (per host
 * and peer) → per-feature rarity, peer rarity, pair behaviour and host fan-out → rb_surprise (combo, S).
 *
 * On a large flow day almost every event is a combination of its own (10M flows: 9.4M combinations, 7.8M
 * pairs), so every step here is a pass over about as many rows as the day has events: the steps are kept
 * few, narrow (64-bit keys) and free of joins back to the events.
 */
import type { Engine } from '../../engine/engine.js';

export const featureColumns = (m: number) => Array.from({ length: m }, (_, j) => `f${j}`);

/** SQL: the key of an event's combination (host, peer, init, features) over rb_events columns prefixed `prefix`. */
export const comboKey = (m: number, prefix = '') => `hash(${['host', 'peer', 'init', ...featureColumns(m)].map((c) => prefix + c).join(', ')})`;

/** SQL: the bit of the event's hour of the day (t in seconds). */
const hourBit = `1 << (CAST(t // 3600 AS BIGINT) % 24)`;

/**
 * rb_combos: distinct (host, peer, init, features) with n events, the bits of their hours and the bytes
 * sent out, keyed by comboKey (one pass over rb_events); rb_pair_base: per (host, peer), from rb_combos: n,
 * bytes sent out, hours and whether the host initiated any of them; rb_totals (hosts H, events N).
 */
export async function buildCombos(engine: Engine, m: number): Promise<void> {
  const f = featureColumns(m).join(', ');
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_combos AS
    SELECT ${comboKey(m)} AS combo, host, peer, init, ${f}, count(*) AS n, bit_or(${hourBit}) AS hours, sum(outb) AS outb
    FROM rb_events GROUP BY host, peer, init, ${f};`);
  await pairsOfCombos(engine);
}

/** rb_pair_base and rb_totals from rb_combos (buildCombos). */
export async function pairsOfCombos(engine: Engine): Promise<void> {
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_pair_base AS
    SELECT host, peer, sum(n) AS n, sum(outb) AS outb, bit_or(hours) AS hours, bool_or(init) AS any_init FROM rb_combos GROUP BY host, peer;
    CREATE OR REPLACE TEMP TABLE rb_totals AS
    SELECT count(DISTINCT host) AS hosts, sum(n) AS events FROM rb_pair_base;`);
}

/**
 * Feature rarity (rb_feature_surprise(combo, a)): per feature, ln(H / hosts having the value), less
 * ln(number of distinct (peer, hour of day) slots in which this host shows the value): a value rare across
 * the population is odd, unless it is the host's routine, shown with many different peers (a web server's
 * many clients on its own port) or through the day (an application server and its database). Repeating it
 * with one peer within an hour or two (a burst) does not make it familiar. Floored at 0 per feature.
 * The combinations with their `a` are kept as rb_combo_a(combo, host, peer, init, n, a) for the later steps.
 */
export async function featureSurprise(engine: Engine, m: number): Promise<void> {
  for (let j = 0; j < m; j++) {
    await engine.exec(`
      CREATE OR REPLACE TEMP TABLE rb_s${j} AS
      WITH slots AS (
        SELECT host, v, sum(bit_count(hours)) AS slots
        FROM (SELECT host, f${j} AS v, peer, bit_or(hours) AS hours FROM rb_combos GROUP BY ALL) GROUP BY ALL
      ), population AS (SELECT v, count(*) AS hosts FROM slots GROUP BY v)
      SELECT host, v, greatest(0, ln((SELECT hosts FROM rb_totals) / p.hosts) - ln(s.slots)) AS s
      FROM slots s JOIN population p USING (v);`);
  }
  const joins = Array.from({ length: m }, (_, j) => `JOIN rb_s${j} s${j} ON s${j}.host = c.host AND s${j}.v = c.f${j}`);
  const sum = Array.from({ length: m }, (_, j) => `s${j}.s`).join(' + ') || '0';
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_combo_a AS SELECT c.combo, c.host, c.peer, c.init, c.n, ${sum} AS a FROM rb_combos c ${joins.join(' ')};
    CREATE OR REPLACE TEMP VIEW rb_feature_surprise AS SELECT combo, a FROM rb_combo_a;
    ${Array.from({ length: m }, (_, j) => `DROP TABLE rb_s${j};`).join('\n')}`);
}

/**
 * Peer rarity (rb_peer(peer, hosts, b)): ln(H / hosts dealing with the peer), counted only for events the
 * host initiated (an internet client new to a server is no news); r = b / ln H in [0, 1] scales the
 * pair and fan-out parts, which matter only for peers few hosts use.
 */
export async function peerRarity(engine: Engine): Promise<void> {
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_peer AS
    SELECT peer, count(*) AS hosts, ln((SELECT hosts FROM rb_totals) / count(*)) AS b FROM rb_pair_base GROUP BY peer;`);
}

/**
 * Pair behaviour (rb_pair(host, peer, n, outb, routine, reg)): the host's events with the peer, the bytes
 * it sent them, the share of the host's active hours of the day in which they occur (routine), and the regularity of a beacon: ln(n − 1) · (1 − CV of the gaps) · (1 − CV of the sizes), each CV
 * capped at 1, for pairs with at least 3 events whose gaps are not all 0. A Poisson-like stream has gap
 * CV ≈ 1 (no regularity); a fixed interval and size give the full ln(n − 1).
 * The gaps and sizes (the one step that orders events) are measured only where regularity can count:
 * pairs with at least 3 events of which the host initiated one (combine weighs reg by r, which is 0 for
 * events the host did not initiate); reg is 0 elsewhere.
 */
export async function pairBehaviour(engine: Engine): Promise<void> {
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_pair AS
    SELECT p.host, p.peer, p.n, p.outb, bit_count(p.hours) / h.host_hours AS routine,
      CASE WHEN p.n >= 3 AND g.mean_gap > 0
        THEN ln(p.n - 1) * (1 - least(1, g.sd_gap / g.mean_gap)) * (1 - least(1, g.cv_size)) ELSE 0 END AS reg
    FROM rb_pair_base p LEFT JOIN rb_gaps g USING (host, peer)
    JOIN (SELECT host, bit_count(bit_or(hours)) AS host_hours FROM rb_pair_base GROUP BY host) h USING (host);
    DROP TABLE rb_gaps;`);
}

/** rb_gaps(host, peer, mean_gap, sd_gap, cv_size) from rb_events, for pairBehaviour. */
export async function pairGaps(engine: Engine): Promise<void> {
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_gaps AS
    SELECT host, peer, avg(gap) AS mean_gap, stddev_pop(gap) AS sd_gap,
      CASE WHEN avg(size) > 0 THEN stddev_pop(size) / avg(size) ELSE 0 END AS cv_size
    FROM (
      SELECT host, peer, size, t - lag(t) OVER (PARTITION BY host, peer ORDER BY t) AS gap
      FROM rb_events SEMI JOIN (SELECT host, peer FROM rb_pair_base WHERE n >= 3 AND any_init) USING (host, peer))
    GROUP BY host, peer;`);
}

/**
 * Host fan-out (rb_host(host, fanout)): ln(1 + rare² / peers), with peers the distinct peers the host
 * initiated events with and rare those no other host deals with: a host reaching many destinations nobody
 * else knows, as a share of what it reaches (a DGA burst, a sweep), not a busy host's occasional new CDN node.
 */
export async function hostFanout(engine: Engine): Promise<void> {
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_host AS
    SELECT host, ln(1 + count(*) FILTER (WHERE p.hosts = 1) ^ 2 / count(*)) AS fanout
    FROM (SELECT host, peer FROM rb_pair_base WHERE any_init) JOIN rb_peer p USING (peer) GROUP BY host;`);
}

/**
 * Host anomalies (rb_host_odd(host, g)): ln(1 + Σ (A / ln H)²) over the host's distinct kinds of event,
 * A their feature surprise: a host doing many different odd things (a sweep of ports, a burst of odd
 * queries) makes each of them more suspicious.
 */
export async function hostAnomalies(engine: Engine): Promise<void> {
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_host_odd AS
    SELECT c.host, ln(1 + sum((c.a / ln(greatest(2, t.hosts))) ^ 2)) AS g
    FROM rb_combo_a c, rb_totals t GROUP BY c.host;`);
}

/**
 * rb_surprise(combo, n, parts…, s): S = A + (1 − routine)·B + r·((1 − routine)·(ln n + volume) + reg) + r·fanout
 * + (A / ln H)·g, with g the host's anomalies (hostAnomalies), B the peer
 * rarity for initiated events, r = B / ln H, n, routine and reg the pair's count, share of hours and
 * regularity, volume = ln(bytes the host sent the peer / the day's median per pair), floored at 0. A burst
 * of contact or data to a peer nobody else uses is news; the same spread over the whole day is routine
 * (an application server and its database) unless it is machine-regular (a beacon).
 */
export async function combine(engine: Engine): Promise<void> {
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_surprise AS
    WITH med AS (SELECT greatest(1, median(outb)) AS m FROM rb_pair),
    parts AS (
      SELECT c.combo, c.n, c.a, CASE WHEN c.init THEN p.b ELSE 0 END AS b,
        CASE WHEN c.init AND t.hosts > 1 THEN p.b / ln(t.hosts) ELSE 0 END AS r,
        ln(pr.n) AS persistence, pr.reg, pr.routine, greatest(0, ln(greatest(1, pr.outb) / med.m)) AS volume, coalesce(h.fanout, 0) AS fanout,
        c.a / ln(greatest(2, t.hosts)) * o.g AS host_odd
      FROM rb_combo_a c JOIN rb_peer p USING (peer)
      JOIN rb_pair pr ON pr.host = c.host AND pr.peer = c.peer LEFT JOIN rb_host h ON h.host = c.host
      JOIN rb_host_odd o ON o.host = c.host, rb_totals t, med
    )
    SELECT *, a + (1 - routine) * b + r * ((1 - routine) * (persistence + volume) + reg) + r * fanout + host_odd AS s FROM parts;`);
}

/**
 * rb_combo_score(combo, score) from a table of (combo, n, s): the share of the day's events at least as suspicious (surprise at least
 * as high): in (0, 1], lower is more suspicious; a threshold of 0.001 keeps the 0.1% most suspicious.
 * With `atMost` (the most events that can be reported) only the combinations that can hold one of the
 * first `atMost` events are ranked: those at least as suspicious as the atMost-th most suspicious
 * combination (every combination holds at least one event). Their scores are the same as in the whole
 * ranking, since every combination at least as suspicious as one of them is among them.
 */
export async function rankScores(engine: Engine, surpriseTable = 'rb_surprise', atMost?: number): Promise<void> {
  const among = atMost && atMost > 0
    ? `(SELECT * FROM ${surpriseTable} WHERE s >= (SELECT min(s) FROM (SELECT s FROM ${surpriseTable} ORDER BY s DESC LIMIT ${Math.floor(atMost)})))`
    : surpriseTable;
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_combo_score AS
    SELECT combo, sum(n) OVER (ORDER BY s DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) / (SELECT events FROM rb_totals) AS score
    FROM ${among};`);
}
