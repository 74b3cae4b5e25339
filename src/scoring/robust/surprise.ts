/**
 * The parts of the robust score, each a SQL step over small tables so it can be tested on its own. All
 * surprises are in nats (−ln of a share): an event odd in several independent ways adds them up.
 *
 * Tables: rb_events (one row per scorable event: spot_file, spot_row, host, peer, init, t, size, outb,
 * f0..f<m-1>) → rb_combos (distinct host, peer, init and features, with their event count n) → per-feature
 * rarity, peer rarity, pair behaviour and host fan-out → rb_surprise (combo, S).
 */
import type { Engine } from '../../engine/engine.js';

export const featureColumns = (m: number) => Array.from({ length: m }, (_, j) => `f${j}`);

/** SQL: the key of an event's combination (host, peer, init, features) over rb_events columns prefixed `prefix`. */
export const comboKey = (m: number, prefix = '') => `hash(${['host', 'peer', 'init', ...featureColumns(m)].map((c) => prefix + c).join(', ')})`;

/** rb_combos: distinct (host, peer, init, features) with n events, keyed by comboKey; and rb_totals(hosts H, events N). */
export async function buildCombos(engine: Engine, m: number): Promise<void> {
  const f = featureColumns(m).join(', ');
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_combos AS
    SELECT ${comboKey(m)} AS combo, host, peer, init, ${f}, count(*) AS n, bit_or(1 << (CAST(t // 3600 AS BIGINT) % 24)) AS hours
    FROM rb_events GROUP BY host, peer, init, ${f};
    CREATE OR REPLACE TEMP TABLE rb_totals AS
    SELECT count(DISTINCT host) AS hosts, sum(n) AS events FROM rb_combos;`);
}

/**
 * Feature rarity (rb_feature_surprise(combo, a)): per feature, ln(H / hosts having the value), less
 * ln(number of distinct (peer, hour of day) slots in which this host shows the value): a value rare across
 * the population is odd, unless it is the host's routine, shown with many different peers (a web server's
 * many clients on its own port) or through the day (an application server and its database). Repeating it
 * with one peer within an hour or two (a burst) does not make it familiar. Floored at 0 per feature.
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
    CREATE OR REPLACE TEMP TABLE rb_feature_surprise AS SELECT c.combo, ${sum} AS a FROM rb_combos c ${joins.join(' ')};
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
    SELECT peer, count(DISTINCT host) AS hosts, ln((SELECT hosts FROM rb_totals) / count(DISTINCT host)) AS b FROM rb_combos GROUP BY peer;`);
}

/**
 * Pair behaviour (rb_pair(host, peer, n, outb, routine, reg)): the host's events with the peer, the bytes
 * it sent them, the share of the host's active hours of the day in which they occur (routine), and the regularity of a beacon: ln(n − 1) · (1 − CV of the gaps) · (1 − CV of the sizes), each CV
 * capped at 1, for pairs with at least 3 events whose gaps are not all 0. A Poisson-like stream has gap
 * CV ≈ 1 (no regularity); a fixed interval and size give the full ln(n − 1).
 */
export async function pairBehaviour(engine: Engine): Promise<void> {
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_pair_base AS
    SELECT host, peer, count(*) AS n, sum(outb) AS outb, bit_count(bit_or(1 << (CAST(t // 3600 AS BIGINT) % 24))) AS pair_hours,
      CASE WHEN avg(size) > 0 THEN stddev_pop(size) / avg(size) ELSE 0 END AS cv_size
    FROM rb_events GROUP BY host, peer;
    CREATE OR REPLACE TEMP TABLE rb_gaps AS
    SELECT host, peer, avg(gap) AS mean_gap, stddev_pop(gap) AS sd_gap FROM (
      SELECT host, peer, t - lag(t) OVER (PARTITION BY host, peer ORDER BY t) AS gap
      FROM rb_events SEMI JOIN (SELECT host, peer FROM rb_pair_base WHERE n >= 3) USING (host, peer))
    WHERE gap IS NOT NULL GROUP BY host, peer;
    CREATE OR REPLACE TEMP TABLE rb_pair AS
    SELECT p.host, p.peer, p.n, p.outb, p.pair_hours / h.host_hours AS routine,
      CASE WHEN p.n >= 3 AND g.mean_gap > 0
        THEN ln(p.n - 1) * (1 - least(1, g.sd_gap / g.mean_gap)) * (1 - least(1, p.cv_size)) ELSE 0 END AS reg
    FROM rb_pair_base p LEFT JOIN rb_gaps g USING (host, peer)
    JOIN (SELECT host, bit_count(bit_or(hours)) AS host_hours FROM rb_combos GROUP BY host) h USING (host);
    DROP TABLE rb_pair_base; DROP TABLE rb_gaps;`);
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
    FROM (SELECT DISTINCT host, peer FROM rb_combos WHERE init) JOIN rb_peer p USING (peer) GROUP BY host;`);
}

/**
 * Host anomalies (rb_host_odd(host, g)): ln(1 + Σ (A / ln H)²) over the host's distinct kinds of event,
 * A their feature surprise: a host doing many different odd things (a sweep of ports, a burst of odd
 * queries) makes each of them more suspicious.
 */
export async function hostAnomalies(engine: Engine): Promise<void> {
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_host_odd AS
    SELECT c.host, ln(1 + sum((f.a / ln(greatest(2, t.hosts))) ^ 2)) AS g
    FROM rb_combos c JOIN rb_feature_surprise f USING (combo), rb_totals t GROUP BY c.host;`);
}

/**
 * rb_surprise(combo, s): S = A + (1 − routine)·B + r·((1 − routine)·(ln n + volume) + reg) + r·fanout
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
      SELECT c.combo, f.a, CASE WHEN c.init THEN p.b ELSE 0 END AS b,
        CASE WHEN c.init AND t.hosts > 1 THEN p.b / ln(t.hosts) ELSE 0 END AS r,
        ln(pr.n) AS persistence, pr.reg, pr.routine, greatest(0, ln(greatest(1, pr.outb) / med.m)) AS volume, coalesce(h.fanout, 0) AS fanout,
        f.a / ln(greatest(2, t.hosts)) * o.g AS host_odd
      FROM rb_combos c JOIN rb_feature_surprise f USING (combo) JOIN rb_peer p USING (peer)
      JOIN rb_pair pr ON pr.host = c.host AND pr.peer = c.peer LEFT JOIN rb_host h ON h.host = c.host
      JOIN rb_host_odd o ON o.host = c.host, rb_totals t, med
    )
    SELECT *, a + (1 - routine) * b + r * ((1 - routine) * (persistence + volume) + reg) + r * fanout + host_odd AS s FROM parts;`);
}

/**
 * rb_combo_score(combo, score): the share of the day's events at least as suspicious (surprise at least
 * as high): in (0, 1], lower is more suspicious; a threshold of 0.001 keeps the 0.1% most suspicious.
 */
export async function rankScores(engine: Engine, surpriseTable = 'rb_surprise'): Promise<void> {
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_combo_score AS
    SELECT combo, sum(n) OVER (ORDER BY s DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) / (SELECT events FROM rb_totals) AS score
    FROM ${surpriseTable} JOIN rb_combos USING (combo);`);
}
