/**
 * The parts of the robust score, each a SQL step over the aggregate tables of aggregates.ts (never the
 * events), so it can be tested on its own and run the same whichever engine made the aggregates. All
 * surprises are in nats (−ln of a share): an event odd in several independent ways adds them up.
 *
 * rb_pairs, rb_values_<j>, rb_candidates_<j>, rb_explicit, rb_gaps, rb_totals → per-feature rarity of the
 * explicit combinations (rb_combo_a), peer rarity (rb_peer), pair behaviour (rb_pair), host fan-out
 * (rb_host), host anomalies (rb_host_odd) → rb_surprise: the day's events in units of equal surprise S
 * (kind 0: an explicit combination; 1: a pair's other events the host initiated; 2: every other event, S = 0).
 *
 * An event's feature surprise is above 0 only for a candidate (host, value) (aggregates.ts): so every event
 * outside rb_explicit has A = 0, and its S depends on its pair alone (and is 0 when the host did not
 * initiate it). On a 10M-flow day that leaves 7.8M pairs and a few hundred thousand explicit combinations
 * instead of 9.4M combinations to score.
 */
import { sqlDouble, type Engine } from '../../engine/engine.js';
import { featureColumns } from './aggregates.js';

export { buildAggregates, comboKey, featureColumns } from './aggregates.js';

/** SQL: ln H, at least ln 2 (the scale of the host-level parts). */
const lnHosts = (t: string) => `ln(greatest(2, ${t}.hosts))`;

/** SQL: the host part of S, (A / ln H)·g, from A (`a`), rb_totals `t` and rb_host_odd `o` (absent: g = 0). */
export const hostOddSql = (a: string, t: string, o: string) => `${a} / ${lnHosts(t)} * coalesce(${o}.g, 0)`;

/**
 * Feature rarity (rb_combo_a(combo, host, peer, init, n, a, s0..) for the explicit combinations): per feature,
 * ln(H / hosts having the value), less ln(number of distinct (peer, hour of day) slots in which this host
 * shows the value): a value rare across the population is odd, unless it is the host's routine, shown with
 * many different peers (a web server's many clients on its own port) or through the day (an application
 * server and its database). Repeating it with one peer within an hour or two (a burst) does not make it
 * familiar. Floored at 0 per feature; a is the sum over the features. The slots are counted only for
 * candidate (host, value)s: elsewhere a lower bound of the slots already reaches H / hosts, so the part is 0.
 * s<j> is feature j's part of a.
 */
export async function featureSurprise(engine: Engine, m: number): Promise<void> {
  for (let j = 0; j < m; j++) {
    await engine.exec(`
      CREATE OR REPLACE TEMP TABLE rb_s${j} AS
      SELECT host, v, greatest(0, ln((SELECT hosts FROM rb_totals) / any_value(hosts)) - ln(sum(bit_count(hours)))) AS s
      FROM (
        SELECT x.host, x.f${j} AS v, c.hosts, bit_or(x.hours) AS hours
        FROM rb_explicit x JOIN rb_candidates_${j} c ON c.host = x.host AND c.v = x.f${j}
        GROUP BY x.host, x.f${j}, c.hosts, x.peer)
      GROUP BY host, v;`);
  }
  const joins = featureColumns(m).map((c, j) => `LEFT JOIN rb_s${j} s${j} ON s${j}.host = x.host AND s${j}.v = x.${c}`);
  const each = Array.from({ length: m }, (_, j) => `coalesce(s${j}.s, 0)`);
  // The per-feature surprises (s0..) are kept for the explanation of the reported events (parts.ts).
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_combo_a AS SELECT x.combo, x.host, x.peer, x.init, x.n, ${each.join(' + ') || '0'} AS a${each.map((e, j) => `, ${e} AS s${j}`).join('')}
    FROM rb_explicit x ${joins.join(' ')};
    ${Array.from({ length: m }, (_, j) => `DROP TABLE rb_s${j};`).join('\n')}`);
}

/**
 * Peer rarity (rb_peer(peer, hosts, b, only_host, init)): ln(H / hosts dealing with the peer); it counts only
 * for events the host initiated (an internet client new to a server is no news); r = b / ln H in [0, 1]
 * scales the pair and fan-out parts, which matter only for peers few hosts use. For a peer of one host,
 * only_host is that host and init whether it initiated an event with the peer (hostFanout's rare peers).
 */
export async function peerRarity(engine: Engine): Promise<void> {
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_peer AS
    SELECT peer, count(*) AS hosts, ln((SELECT hosts FROM rb_totals) / count(*)) AS b, min(host) AS only_host, max(n_init) > 0 AS init
    FROM rb_pairs GROUP BY peer;`);
}

/** SQL over rb_pairs `p` and rb_hosts (or rb_host) `h`: the share of the host's active hours in which the pair's events occur. */
const routineSql = `bit_count(p.hours) / h.host_hours`;

/** SQL over rb_gaps `g`: the regularity of a pair's events (pairBehaviour). */
const regularitySql = `CASE WHEN g.n >= 3 AND g.span > 0 THEN ln(g.n - 1)
        * (1 - least(1, sqrt(greatest(0, CAST((g.n - 1) * g.sgap2 - CAST(g.span AS HUGEINT) * g.span AS DOUBLE))) / g.span))
        * (1 - least(1, CASE WHEN g.ssize > 0 THEN sqrt(greatest(0, CAST(g.n * g.ssize2 - g.ssize * g.ssize AS DOUBLE))) / CAST(g.ssize AS DOUBLE) ELSE 0 END))
        ELSE 0 END`;

/**
 * SQL: every pair of rb_pairs with its routine and regularity (host, peer, n, n_init, outb, routine, reg),
 * the host's row read from `hosts` (rb_hosts or rb_host, both with host_hours), plus `extra` columns of it.
 */
const pairRowsSql = (hosts: string, extra = '', pairs = 'rb_pairs') => `
    SELECT p.host, p.peer, p.n, p.n_init, CAST(p.outb AS DOUBLE) AS outb, ${routineSql} AS routine, ${regularitySql} AS reg${extra}
    FROM ${pairs} p LEFT JOIN rb_gaps g USING (host, peer) JOIN ${hosts} h USING (host)`;

/**
 * Pair behaviour (rb_pair(host, peer, n, n_init, outb, routine, reg), a view read once by combine): the host's events with the peer, the
 * bytes it sent them, the share of the host's active hours of the day in which they occur (routine), and
 * the regularity of a beacon: ln(n − 1) · (1 − CV of the gaps) · (1 − CV of the sizes), each CV capped at
 * 1, for pairs with at least 3 events of which the host initiated one (rb_gaps; reg weighs only there) and
 * whose gaps are not all 0. A Poisson-like stream has gap CV ≈ 1 (no regularity); a fixed interval and size
 * give the full ln(n − 1). The CVs come from exact integer sums: CV of the n − 1 gaps =
 * √((n − 1)·Σgap² − span²) / span, CV of the sizes = √(n·Σsize² − (Σsize)²) / Σsize.
 */
export async function pairBehaviour(engine: Engine): Promise<void> {
  await engine.exec(`
    CREATE OR REPLACE TEMP VIEW rb_pair AS
    ${pairRowsSql('rb_hosts')};`);
}

/**
 * Host fan-out (rb_host(host, host_hours, fanout), every host): ln(1 + rare² / peers), with peers the
 * distinct peers the host initiated events with and rare those no other host deals with: a host reaching
 * many destinations nobody else knows, as a share of what it reaches (a DGA burst, a sweep), not a busy
 * host's occasional new CDN node; 0 when the host initiated nothing. Counted from the per-host and
 * per-peer tables (a rare peer has one host), not from the day's pairs again.
 */
export async function hostFanout(engine: Engine): Promise<void> {
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_host AS
    SELECT h.host, h.host_hours, CASE WHEN h.peers > 0 THEN ln(1 + coalesce(r.rare, 0) ^ 2 / h.peers) ELSE 0 END AS fanout
    FROM rb_hosts h LEFT JOIN (SELECT only_host AS host, count(*) AS rare FROM rb_peer WHERE hosts = 1 AND init GROUP BY only_host) r USING (host);`);
}

/** The grid (2^-32) the host anomalies' terms are rounded to, so that their sum does not depend on the order of the rows. */
const GRID = 2 ** 32;

/**
 * Host anomalies (rb_host_odd(host, g)): ln(1 + Σ (A / ln H)²) over the host's distinct kinds of event
 * (combinations), A their feature surprise (only explicit ones can have A > 0): a host doing many different
 * odd things (a sweep of ports, a burst of odd queries) makes each of them more suspicious. Each term is
 * rounded to a multiple of 2^-32 and summed as an integer, exactly.
 */
export async function hostAnomalies(engine: Engine): Promise<void> {
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_host_odd AS
    SELECT c.host, ln(1 + CAST(sum(CAST(round((c.a / ${lnHosts('t')}) ^ 2 * ${GRID}) AS HUGEINT)) AS DOUBLE) / ${GRID}) AS g
    FROM rb_combo_a c, rb_totals t WHERE c.a > 0 GROUP BY c.host;`);
}

/**
 * rb_median(m): the median of the bytes sent per pair (at least 1), as median(CAST(outb AS DOUBLE)) over
 * rb_pairs gives it, found through the pairs' distinct values (a few hundred thousand at 10M flows) and
 * their counts: median() of the one or two middle values interpolates exactly as over all of them.
 */
export async function pairBytesMedian(engine: Engine): Promise<void> {
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_median AS
    WITH h AS (
      SELECT v, c, sum(c) OVER (ORDER BY v ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS upto
      FROM (SELECT CAST(outb AS DOUBLE) AS v, count(*) AS c FROM rb_pairs GROUP BY v)),
    middle AS (SELECT DISTINCT unnest([(total - 1) // 2, total // 2]) AS r FROM (SELECT sum(c) AS total FROM h))
    SELECT greatest(1, median(h.v)) AS m FROM middle JOIN h ON h.upto - h.c <= middle.r AND middle.r < h.upto;`);
}

/** Every part of the pairs `pr` (host, peer, n, n_init, outb, routine, reg) joined with rb_peer `p`; `fanout` is SQL. */
const partsSql = (pairs: string, fanout: string) => `
    SELECT *, (1 - routine) * b + r * ((1 - routine) * (persistence + volume) + reg) + r * fanout AS p FROM (
      SELECT pr.host, pr.peer, pr.n_init, p.b, CASE WHEN t.hosts > 1 THEN p.b / ln(t.hosts) ELSE 0 END AS r,
        ln(pr.n) AS persistence, greatest(0, ln(greatest(1, pr.outb) / med.m)) AS volume, pr.routine, pr.reg,
        ${fanout} AS fanout
      FROM ${pairs} JOIN rb_peer p USING (peer), rb_totals t, rb_median med)`;

/**
 * SQL: every part of the pairs of `pairs` (a relation like rb_pairs whose hosts are all in rb_host):
 * (host, peer, n_init, b, r, persistence, volume, routine, reg, fanout, p), as combine scores them.
 */
export const pairPartsSql = (pairs: string) => partsSql(`(${pairRowsSql('rb_host', ', h.fanout', pairs)}) pr`, 'pr.fanout');

/**
 * S = A + P + (A / ln H)·g, with P, for events the host initiated, the pair's part
 * (1 − routine)·B + r·((1 − routine)·(ln n + volume) + reg) + r·fanout (0 otherwise), g the host's anomalies
 * (hostAnomalies), B the peer rarity, r = B / ln H, n, routine and reg the pair's count, share of hours and
 * regularity, volume = ln(bytes the host sent the peer / the day's median per pair), floored at 0. A burst
 * of contact or data to a peer nobody else uses is news; the same spread over the whole day is routine
 * (an application server and its database) unless it is machine-regular (a beacon).
 *
 * rb_pair_part(host, peer, n_init, b, r, persistence, volume, routine, reg, fanout, p): a view of every part
 * per pair (rb_parts: the explicit combinations with every part, a view for tests and study); the pairs'
 * part is computed in one statement from rb_pairs and the small per-host, per-peer and gap tables, into
 * rb_pair_p(host, peer, p, n_rest), n_rest the pair's initiated events outside the explicit combinations;
 * rb_surprise(kind, combo, host, peer, n, s): the units (a view: ranking reads it as it streams, never
 * holding a table of the day's pairs twice).
 *
 * With `atMost` (rankScores' limit; only when nothing rewrites the surprises before the ranking), rb_pair_p
 * holds only the pairs whose unit can be among the atMost most suspicious: the explicit combinations' pairs,
 * whose parts are computed first, and the other pairs whose bound of P reaches the atMost-th most suspicious
 * of those units (a lower bound of rankScores' cut-off, since they are units of the day). The bound is
 * B + 2·ln n + volume + the host's fan-out (r ≤ 1, reg ≤ ln(n − 1)), tried first with ln H for B and the
 * day's highest fan-out, which need only the pair's own row: of the 7.8M pairs of a 10M-flow day about 0.9M
 * pass that and are joined to their hosts and peers, and about a thousand pass the bound itself.
 */
export async function combine(engine: Engine, atMost?: number): Promise<void> {
  const limit = firstUnits(atMost);
  // rb_pair_p's rows for the pairs `pairs` (a relation like rb_pairs).
  const pairP = (pairs: string) => `
    SELECT pp.host, pp.peer, pp.p, CAST(pp.n_init - coalesce(x.n_init, 0) AS BIGINT) AS n_rest FROM (${pairPartsSql(pairs)}) pp
    LEFT JOIN rb_explicit_pairs x USING (host, peer)`;
  await pairBytesMedian(engine);
  await engine.exec(`
    CREATE OR REPLACE TEMP VIEW rb_pair_part AS ${partsSql('rb_pair pr LEFT JOIN rb_host h USING (host)', 'coalesce(h.fanout, 0)')};
    CREATE OR REPLACE TEMP TABLE rb_explicit_pairs AS
    SELECT host, peer, coalesce(sum(n) FILTER (WHERE init), 0) AS n_init FROM rb_combo_a GROUP BY host, peer;
    CREATE OR REPLACE TEMP TABLE rb_pair_p AS
    ${pairP(limit ? '(SELECT * FROM rb_pairs SEMI JOIN rb_explicit_pairs USING (host, peer))' : 'rb_pairs')};
    CREATE OR REPLACE TEMP TABLE rb_explicit_s AS
    SELECT c.combo, c.host, c.peer, c.init, c.n, c.a + CASE WHEN c.init THEN pp.p ELSE 0 END + ${hostOddSql('c.a', 't', 'o')} AS s
    FROM rb_combo_a c JOIN rb_pair_p pp USING (host, peer) LEFT JOIN rb_host_odd o USING (host), rb_totals t;`);
  if (limit) await addPairsThatCanRank(engine, limit, pairP);
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_rest AS
    SELECT (SELECT events FROM rb_totals) - (SELECT sum(n_init) FROM rb_pairs) - (SELECT coalesce(sum(n), 0) FROM rb_combo_a WHERE NOT init) AS n;
    CREATE OR REPLACE TEMP VIEW rb_parts AS
    SELECT c.combo, c.host, c.peer, c.init, c.n, c.a, pp.b, pp.r, pp.persistence, pp.volume, pp.routine, pp.reg, pp.fanout,
      CASE WHEN c.init THEN pp.p ELSE 0 END AS p, ${hostOddSql('c.a', 't', 'o')} AS host_odd
    FROM rb_combo_a c JOIN rb_pair_part pp USING (host, peer) LEFT JOIN rb_host_odd o USING (host), rb_totals t;
    CREATE OR REPLACE TEMP VIEW rb_surprise AS
    SELECT 0 AS kind, combo, host, peer, n, s FROM rb_explicit_s
    UNION ALL SELECT 1, NULL, host, peer, n_rest, p FROM rb_pair_p WHERE n_rest > 0
    UNION ALL SELECT 2, NULL, NULL, NULL, n, 0 FROM rb_rest WHERE n > 0;`);
}

/**
 * Adds to rb_pair_p (which holds the explicit combinations' pairs) the other pairs the host initiated events
 * with whose P can reach the atMost-th highest S of the units known so far (every pair of the day when
 * fewer than atMost are known). The bound's margin covers the rounding of the doubles.
 */
async function addPairsThatCanRank(engine: Engine, atMost: number, pairP: (pairs: string) => string): Promise<void> {
  const { count, cut } = await highest(engine, '(SELECT s FROM rb_explicit_s UNION ALL SELECT p FROM rb_pair_p WHERE n_rest > 0)', atMost);
  const others = (pairs: string) => `(SELECT p.* FROM ${pairs} p ANTI JOIN rb_explicit_pairs USING (host, peer))`;
  if (count < atMost || cut === null || !Number.isFinite(cut)) {
    await engine.exec(`INSERT INTO rb_pair_p ${pairP(others('(SELECT * FROM rb_pairs WHERE n_init > 0)'))}`);
    return;
  }
  const reach = cut - 1e-9 * (1 + Math.abs(cut));
  // The day's figures as literals, so that the first filter runs as the pairs are read.
  const [day] = await engine.rows(`
    SELECT ln(greatest(2, t.hosts)) + (SELECT coalesce(max(fanout), 0) FROM rb_host) AS most, med.m FROM rb_totals t, rb_median med`);
  const rest = `2 * ln(p.n) + greatest(0, ln(greatest(1, CAST(p.outb AS DOUBLE)) / ${sqlDouble(Number(day.m))}))`;
  // First with the bounds of B (ln H) and of the fan-out (the day's highest), from the pair's row alone;
  // then, for the pairs left, with the peer's B and the host's fan-out.
  const reaching = `(SELECT * FROM rb_pairs p WHERE p.n_init > 0 AND ${sqlDouble(Number(day.most))} + ${rest} >= ${sqlDouble(reach)})`;
  await engine.exec(`
    INSERT INTO rb_pair_p ${pairP(others(`(SELECT p.* FROM ${reaching} p JOIN rb_host h USING (host) JOIN rb_peer pe USING (peer)
      WHERE pe.b + ${rest} + h.fanout >= ${sqlDouble(reach)})`))}`);
}

/** The number of most suspicious units to rank (a whole number ≥ 1), or undefined for all of them. */
const firstUnits = (atMost?: number) => (atMost && atMost > 0 ? Math.floor(atMost) : undefined);

/** Of the `atMost` highest `s` of `units` (a relation with a column s): how many there are, and the lowest (null if none). */
async function highest(engine: Engine, units: string, atMost: number): Promise<{ count: number; cut: number | null }> {
  const [r] = await engine.rows(`SELECT count(*) AS count, min(s) AS cut FROM (SELECT s FROM ${units} ORDER BY s DESC LIMIT ${atMost})`);
  return { count: Number(r.count), cut: r.cut === null ? null : Number(r.cut) };
}

/**
 * rb_unit_score(kind, combo, host, peer, score) from a table of units (kind, combo, host, peer, n, s): the
 * share of the day's events at least as suspicious (surprise at least as high): in (0, 1], lower is more
 * suspicious; a threshold of 0.001 keeps the 0.1% most suspicious.
 * With `atMost` (the most events that can be reported) only the units that can hold one of the first
 * `atMost` events are ranked: those at least as suspicious as the atMost-th most suspicious unit (every
 * unit holds at least one event). Their scores are the same as in the whole ranking, since every unit at
 * least as suspicious as one of them is among them.
 */
export async function rankScores(engine: Engine, surpriseTable = 'rb_surprise', atMost?: number): Promise<void> {
  let among = surpriseTable;
  const limit = firstUnits(atMost);
  if (limit) {
    // The cut-off as a literal (sqlDouble), so that the engine filters each part of the units as it reads it.
    const { cut } = await highest(engine, surpriseTable, limit);
    if (cut !== null) among = `(SELECT * FROM ${surpriseTable} WHERE s >= ${sqlDouble(cut)})`;
  }
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_unit_score AS
    SELECT kind, combo, host, peer, sum(n) OVER (ORDER BY s DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) / (SELECT events FROM rb_totals) AS score
    FROM ${among};`);
}
