/**
 * The robust score's aggregates of the day's events: the only step that reads the per-event rows
 * (besides the final selection of the reported events). Every later step (surprise.ts) reads only the
 * tables made here, so another engine (the ClickHouse cluster, issue 15) can compute them from its own
 * event rows and ship them to DuckDB, where the rest runs as in the embedded run.
 *
 * Input: a relation of events (rb_events: profileEventsSql) with columns
 *   host, peer     UBIGINT  identifiers of the host's and the peer's text (equal exactly when the texts are;
 *                           any 64-bit hash: another engine may use its own, the results do not depend on it)
 *   init           BOOLEAN  the host initiated the event
 *   t              BIGINT   time of day in whole seconds (its hour is t // 3600 mod 24)
 *   size, outb     BIGINT   the event's size and the bytes the host sent out (≥ 0)
 *   f0..f<m-1>     any      the categorical features' identifiers (equality only)
 *
 * Output (all sums are of integers, exact, so the tables do not depend on the order of the rows):
 *   rb_pairs(host, peer, n, n_init, outb, hours)     per (host, peer): events, events the host initiated,
 *                                                    bytes sent out (HUGEINT), bit h set = an event in hour h
 *   rb_values_<j>(host, v, hours, peers_lb)          per (host, value of feature j): the hours bits, and bits
 *                                                    of (peer, hour) buckets: their count is a lower bound of
 *                                                    the distinct (peer, hour) slots (any bucketing will do)
 *   rb_totals(hosts, events)                         distinct hosts H, events N
 *   rb_candidates_<j>(k, host, v, hosts)             filter (from the tables above): the (host, value) whose
 *                                                    feature surprise may be above 0 (featureSurprise)
 *   rb_explicit(combo, host, peer, init, f0.., n, hours)  the combinations (comboKey) of the events having a
 *                                                    candidate (host, value) for some feature, or matching
 *                                                    `flagged` (analyst feedback): the only events whose
 *                                                    score may differ from their pair's
 *   rb_gaps(host, peer, n, span, sgap2, ssize, ssize2)   per pair with n ≥ 3 and n_init ≥ 1: span = last −
 *                                                    first time, sgap2 = Σ squared gaps between consecutive
 *                                                    events (time order), ssize / ssize2 = Σ size and Σ size²
 *                                                    (HUGEINT)
 *
 * (rb_values_<j> are views over one table of the value sets here; another engine may ship them as tables.)
 * Two passes over the events: the first makes rb_pairs and rb_values_<j>, in two groupings (each reads the
 * events) so that each computes only its own aggregates; the filters are derived from them; the second
 * keeps only the events of candidate values, flagged events and the events of gap pairs (about a quarter of
 * a 10M-flow day) and makes rb_explicit and rb_gaps from them.
 */
import type { Engine } from '../../engine/engine.js';

export const featureColumns = (m: number) => Array.from({ length: m }, (_, j) => `f${j}`);

/** SQL: the key of an event's combination (host, peer, init, features) over event columns prefixed `prefix`. */
export const comboKey = (m: number, prefix = '') => `hash(${['host', 'peer', 'init', ...featureColumns(m)].map((c) => prefix + c).join(', ')})`;

/** SQL: the event's hour of the day, 0..23. */
const hourOf = `CAST((t // 3600 % 24 + 24) % 24 AS INTEGER)`;
/** SQL: the bit of the event's hour (a UBIGINT: shifting by an INTEGER would widen every bit to HUGEINT). */
export const hourBit = `(1::UBIGINT << CAST(${hourOf} AS UBIGINT))`;
/**
 * SQL: the bit of the event's hour (bits 0..23) and of its (peer, hour) bucket, one of 40 (bits 24..63):
 * one bit_or gathers both.
 */
export const hourAndSlotBits = `(${hourBit} | (1::UBIGINT << CAST(24 + (CAST(peer >> 40 AS BIGINT) + 7 * ${hourOf}) % 40 AS UBIGINT)))`;
const HOURS = 0xffffff;

/** SQL over a rb_values_<j> row joined with rb_totals `t` and the value's host count `hosts`: the feature may be odd for this host. */
export const mayBeOdd = (t: string, hosts: string) =>
  `greatest(bit_count(hours), bit_count(peers_lb)) < ${t}.hosts / ${hosts}`;

/**
 * Builds the aggregate tables above from `events` (m features). `flagged`, when given, is SQL of a boolean
 * over an event's columns (alias e): events to keep as explicit combinations whatever their surprise.
 */
export async function buildAggregates(engine: Engine, m: number, events = 'rb_events', flagged?: string): Promise<void> {
  const f = featureColumns(m);
  const grouping = `GROUPING_ID(host, ${f.join(', ')})`;
  const all = (1 << (m + 1)) - 1;
  // The grouping id of a (host, f_j) set: a bit set for every column not grouped (the first column is the highest bit).
  const idOf = (j: number) => all - (1 << m) - (1 << (m - 1 - j));
  // Pass 1 in two groupings, each with only the states it needs: the pairs' four, the values' one bit_or
  // (one GROUPING SETS query computed every state for every set: DECISIONS, issue 13, "Session 9").
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_pairs AS
    SELECT host, peer, count(*) AS n, count(*) FILTER (WHERE init) AS n_init, sum(outb) AS outb, bit_or(${hourBit}) AS hours
    FROM ${events} GROUP BY host, peer;`);
  if (m > 0) await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_value_sets AS
    SELECT ${grouping} AS gid, host, ${f.join(', ')}, bit_or(${hourAndSlotBits}) AS bits
    FROM ${events} GROUP BY GROUPING SETS (${f.map((c) => `(host, ${c})`).join(', ')});`);
  await engine.exec(`
    ${f.map((c, j) => `CREATE OR REPLACE TEMP VIEW rb_values_${j} AS
    SELECT host, ${c} AS v, bits & ${HOURS} AS hours, bits >> 24 AS peers_lb FROM rb_value_sets WHERE gid = ${idOf(j)};`).join('\n')}
`);
  await aggregateFilters(engine, m);
  // Membership by a hash of the key: a collision only keeps an event more, never loses one.
  const candidate = f.map((c, j) => `hash(e.host, e.${c}) IN (SELECT k FROM rb_candidates_${j})`);
  const explicit = [...candidate, ...(flagged ? [`(${flagged})`] : [])].join(' OR ') || 'false';
  // The file's hash only for the events kept.
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_pass2 AS
    SELECT host, peer, init, t, size, ${f.join(', ')}, hash(spot_file) AS file_key, spot_row, explicit, gap FROM (
      SELECT e.spot_file, e.host, e.peer, e.init, e.t, e.size, ${f.map((c) => `e.${c}`).join(', ')}, e.spot_row, ${explicit} AS explicit,
        hash(e.host, e.peer) IN (SELECT k FROM rb_gap_pairs) AS gap
      FROM ${events} e)
    WHERE explicit OR gap;
`);
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_explicit AS
    SELECT ${comboKey(m)} AS combo, host, peer, init, ${f.join(', ')}, count(*) AS n, bit_or(${hourBit}) AS hours
    FROM rb_pass2 WHERE explicit GROUP BY host, peer, init, ${f.join(', ')};
`);
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_gaps AS
    SELECT host, peer, count(*) AS n, max(t) - min(t) AS span, sum(CAST(gap AS HUGEINT) * gap) AS sgap2,
      sum(CAST(size AS HUGEINT)) AS ssize, sum(CAST(size AS HUGEINT) * size) AS ssize2
    FROM (SELECT host, peer, t, size, coalesce(t - lag(t) OVER (PARTITION BY host, peer ORDER BY t), 0) AS gap FROM rb_pass2 WHERE gap)
    GROUP BY host, peer;
    CREATE OR REPLACE TEMP TABLE rb_kept AS SELECT ${comboKey(m)} AS combo, host, peer, init, file_key, spot_row FROM rb_pass2;
    DROP TABLE rb_pass2;`);
}

/**
 * rb_hosts(host, host_hours, peers, n) (per host: its active hours of the day, the peers it initiated events
 * with, its events), rb_totals, and the filters of the second pass (rb_candidates_<j>, rb_gap_pairs) from
 * rb_pairs and rb_values_<j>.
 */
export async function aggregateFilters(engine: Engine, m: number): Promise<void> {
  const f = featureColumns(m);
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_hosts AS
    SELECT host, bit_count(bit_or(hours)) AS host_hours, count(*) FILTER (WHERE n_init > 0) AS peers, sum(n) AS n FROM rb_pairs GROUP BY host;
    CREATE OR REPLACE TEMP TABLE rb_totals AS SELECT count(*) AS hosts, sum(n) AS events FROM rb_hosts;
    ${f.map((_, j) => `CREATE OR REPLACE TEMP TABLE rb_candidates_${j} AS
    SELECT hash(host, v) AS k, host, v, p.hosts FROM rb_values_${j} JOIN (SELECT v, count(*) AS hosts FROM rb_values_${j} GROUP BY v) p USING (v), rb_totals t
    WHERE ${mayBeOdd('t', 'p.hosts')};`).join('\n')}
    CREATE OR REPLACE TEMP TABLE rb_gap_pairs AS SELECT hash(host, peer) AS k, host, peer FROM rb_pairs WHERE n >= 3 AND n_init > 0;`);
}
