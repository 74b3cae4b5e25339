/**
 * The robust mode's aggregate tables (src/scoring/robust/aggregates.ts) made by the shards of a cluster:
 * the two passes over the events run as ClickHouse queries (each shard groups its events, the initiator
 * merges the partial groups) and their tables come to the local DuckDB under the embedded names and
 * types; the filters between the passes are derived here by the embedded code and sent to every node.
 * Every sum is of integers (128-bit decimals on the shards, HUGEINT here), so the tables are exact.
 */
import type { Engine } from '../engine/engine.js';
import type { ClickHouseCluster } from '../engine/clickhouse/cluster.js';
import { copyQueryToEveryNode, dropFromEveryNode, type ClusterColumn } from '../engine/clickhouse/fetch.js';
import type { ClusterProfile } from '../scoring/robust/cluster-profile.js';

export interface ClusterPass {
  engine: Engine;
  cluster: ClickHouseCluster;
  profile: ClusterProfile;
  /** `FROM … WHERE <the day's scorable events>` */
  where: string;
  fetch(stage: string, sql: string, columns: ClusterColumn[], table: string, types?: Record<string, string>): Promise<number>;
}

/** ClickHouse SQL: a whole number of the profile's doubles, rounded as DuckDB's round (half away from zero). */
export const whole = (x: string) => `toInt64(round(${x}))`;

/** ClickHouse SQL of aggregates.ts' hourOf, hour bit and (peer, hour) bucket bit (one of 40) over the event's t (Int64 seconds) and peer. */
const hourOf = (t: string) => `((intDiv(${t}, 3600) % 24 + 24) % 24)`;
export const hourBitSql = (t: string) => `bitShiftLeft(toUInt64(1), toUInt8(${hourOf(t)}))`;
const slotBucketBit = (t: string, peer: string) => `bitShiftLeft(toUInt64(1), toUInt8((toInt64(bitShiftRight(${peer}, 40)) + 7 * ${hourOf(t)}) % 40))`;
const dec = (x: string) => `toDecimal128(${x}, 0)`;

const U64 = 'UInt64';

/** A local query's rows as a small table on every node (its name added to `names`, to drop afterwards). */
async function shipToEveryNode(engine: Engine, cluster: ClickHouseCluster, names: string[], what: string, sql: string, columns: ClusterColumn[]): Promise<string> {
  const name = `spot_rb_${what}_${process.pid}_${Date.now()}`;
  names.push(name);
  return copyQueryToEveryNode(engine, cluster, name, sql, columns);
}
const col = (name: string, type = U64): ClusterColumn => ({ name, type });

/**
 * Pass 1: rb_pairs and rb_values_<j>, in one scan: arrayJoin takes each event once per grouping, (host,
 * peer) and (host, feature j) (an ARRAY JOIN clause would run before the join of the word parts).
 */
export async function clusterPass1(p: ClusterPass): Promise<void> {
  const { profile: pr } = p;
  const m = pr.features.length;
  const t = whole(pr.t);
  // Grouping 1 is the pair (v = peer); grouping j + 2 is feature j (v = its value).
  const groupings = `arrayJoin([${[pr.peer, ...pr.features].map((v, i) => `tuple(toUInt32(${i + 1}), ${v})`).join(', ')}])`;
  await p.fetch(
    'robust pairs and values',
    `SELECT tupleElement(${groupings} AS rb_gv, 1) AS rb_g, ${pr.host} AS rb_host, tupleElement(rb_gv, 2) AS rb_v, count() AS rb_n,
        countIf(${pr.init} = 1) AS rb_n_init, sum(${dec(`greatest(0, ${whole(pr.outb)})`)}) AS rb_outb,
        groupBitOr(${hourBitSql(t)}) AS rb_hours, groupBitOr(${slotBucketBit(t, pr.peer)}) AS rb_peers_lb
      ${p.where} GROUP BY rb_g, rb_host, rb_v`,
    [col('g', 'UInt32'), col('host'), col('v'), col('n'), col('n_init'), col('outb', 'Decimal(38, 0)'), col('hours'), col('peers_lb')],
    'rb_pass1',
    { n: 'BIGINT', n_init: 'BIGINT', outb: 'HUGEINT' },
  );
  await p.engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_pairs AS SELECT host, v AS peer, n, n_init, outb, hours FROM rb_pass1 WHERE g = 1;
    ${Array.from({ length: m }, (_, j) => `CREATE OR REPLACE TEMP TABLE rb_values_${j} AS SELECT host, v, hours, peers_lb FROM rb_pass1 WHERE g = ${j + 2};`).join('\n')}
    DROP TABLE rb_pass1;`);
}

/** A feedback rule on the shards: events whose `columns` are among the table's rows. */
export interface FlaggedRule {
  columns: readonly ('host' | 'peer' | `f${number}`)[];
  /** Local SQL giving the rows (UInt64 values in `columns` order). */
  rows: string;
}

/**
 * Pass 2: rb_explicit (the combinations of events having a candidate (host, value), or flagged by feedback)
 * and rb_gaps (the pairs of rb_gap_pairs), from the events the filters keep. `candidates` and `gapPairs`
 * are local SQL of (j, host, v) and (host, peer).
 */
export async function clusterPass2(p: ClusterPass, candidates: string, gapPairs: string, flagged: readonly FlaggedRule[]): Promise<void> {
  const { engine, cluster, profile: pr } = p;
  const m = pr.features.length;
  const names: string[] = [];
  const ship = (what: string, sql: string, columns: ClusterColumn[]) => shipToEveryNode(engine, cluster, names, what, sql, columns);
  const featureOf = (c: string) => (c === 'host' ? 'rb_host' : c === 'peer' ? 'rb_peer' : `rb_${c}`);
  try {
    const explicit: string[] = [];
    for (let j = 0; j < m; j++) {
      const table = await ship(`c${j}`, `SELECT host, v FROM (${candidates}) WHERE j = ${j}`, [col('host'), col('v')]);
      explicit.push(`(rb_host, rb_f${j}) IN ${table}`);
    }
    for (const [i, rule] of flagged.entries()) {
      const table = await ship(`fb${i}`, rule.rows, rule.columns.map((c) => col(c)));
      const tuple = rule.columns.map(featureOf);
      explicit.push(`${tuple.length === 1 ? tuple[0] : `(${tuple.join(', ')})`} IN ${table}`);
    }
    const gaps = await ship('gaps', gapPairs, [col('host'), col('peer')]);
    const columns = `${pr.host} AS rb_host, ${pr.peer} AS rb_peer, ${pr.init} AS rb_init, ${pr.features.map((f, j) => `${f} AS rb_f${j}`).join(', ')}`;
    const groups = ['rb_host', 'rb_peer', 'rb_init', ...pr.features.map((_, j) => `rb_f${j}`)];
    const t = whole(pr.t);
    await p.fetch(
      'robust explicit combinations',
      `SELECT cityHash64(${groups.join(', ')}) AS rb_combo, ${columns}, count() AS rb_n, groupBitOr(${hourBitSql(t)}) AS rb_hours
        ${p.where} AND (${explicit.join(' OR ') || '0'}) GROUP BY ${groups.join(', ')}`,
      [col('combo'), col('host'), col('peer'), col('init', 'UInt8'), ...pr.features.map((_, j) => col(`f${j}`)), col('n'), col('hours')],
      'rb_explicit',
      { init: 'BOOLEAN', n: 'BIGINT' },
    );
    const size = dec(whole(pr.size));
    await p.fetch(
      'robust pair gaps',
      `SELECT ${pr.host} AS rb_host, ${pr.peer} AS rb_peer, count() AS rb_n, max(${t}) - min(${t}) AS rb_span,
          arrayReduce('sum', arrayMap(g -> ${dec('g')} * ${dec('g')}, arrayDifference(arraySort(groupArray(${t}))))) AS rb_sgap2,
          sum(${size}) AS rb_ssize, sum(${size} * ${size}) AS rb_ssize2
        ${p.where} AND (rb_host, rb_peer) IN ${gaps} GROUP BY rb_host, rb_peer`,
      [col('host'), col('peer'), col('n'), col('span', 'Int64'), col('sgap2', 'Decimal(38, 0)'), col('ssize', 'Decimal(38, 0)'), col('ssize2', 'Decimal(38, 0)')],
      'rb_gaps',
      { n: 'BIGINT', span: 'BIGINT', sgap2: 'HUGEINT', ssize: 'HUGEINT', ssize2: 'HUGEINT' },
    );
  } finally {
    for (const name of names) await dropFromEveryNode(cluster, name);
  }
}

/** The local copies of the fetched candidate events' profile columns (proxy has a column `host`). */
export const CANDIDATE_PROFILE = ['spot_rb_host', 'spot_rb_peer', 'spot_rb_init', 'spot_rb_combo'] as const;

/**
 * The events of the selected units (rb_selected: kind 0 an explicit combination, 1 a pair's other
 * initiated events, 2 every other event) with their profile columns, into `into`; the events of the last
 * unit share one score, so only its first `maxResults` by (spot_file, spot_row) can be reported.
 */
export async function clusterSelectedEvents(
  p: ClusterPass,
  eventColumns: readonly ClusterColumn[],
  into: string,
  maxResults: number,
  fetchRows: (sql: string, columns: ClusterColumn[], table: string) => Promise<number>,
): Promise<void> {
  const { engine, cluster, profile: pr } = p;
  const [{ pairs, rest }] = await engine.rows(
    'SELECT count(*) FILTER (WHERE kind = 1) AS pairs, count(*) FILTER (WHERE kind = 2) AS rest FROM rb_selected',
  );
  const names: string[] = [];
  const ship = (what: string, sql: string, columns: ClusterColumn[]) => shipToEveryNode(engine, cluster, names, what, sql, columns);
  const combo = `cityHash64(${[pr.host, pr.peer, pr.init, ...pr.features].join(', ')})`;
  const cols = eventColumns.map((c) => `\`${c.name}\``).join(', ');
  const select = `SELECT ${cols}, ${pr.host} AS rb_host, ${pr.peer} AS rb_peer, ${pr.init} AS rb_init, ${combo} AS rb_combo`;
  const fetched = [...eventColumns, col(CANDIDATE_PROFILE[0]), col(CANDIDATE_PROFILE[1]), col(CANDIDATE_PROFILE[2], 'UInt8'), col(CANDIDATE_PROFILE[3])];
  try {
    const chosen = await ship('chosen', 'SELECT combo FROM rb_selected WHERE kind = 0', [col('combo')]);
    const either = [`rb_combo IN ${chosen}`];
    let explicit = '';
    if (Number(pairs) > 0 || Number(rest) > 0) explicit = await ship('explicit', 'SELECT combo FROM rb_explicit', [col('combo')]);
    if (Number(pairs) > 0) {
      const chosenPairs = await ship('pairs', 'SELECT host, peer FROM rb_selected WHERE kind = 1', [col('host'), col('peer')]);
      either.push(`(rb_init = 1 AND (rb_host, rb_peer) IN ${chosenPairs} AND rb_combo NOT IN ${explicit})`);
    }
    await fetchRows(`${select} ${p.where} AND (${either.join(' OR ')})`, fetched, into);
    if (Number(rest) > 0) {
      const limit = maxResults > 0 ? `LIMIT ${Math.floor(maxResults)}` : '';
      await fetchRows(`${select} ${p.where} AND rb_init = 0 AND rb_combo NOT IN ${explicit} ORDER BY spot_file, spot_row ${limit}`, fetched, `${into}_rest`);
      await engine.exec(`INSERT INTO ${into} SELECT * FROM ${into}_rest; DROP TABLE ${into}_rest;`);
    }
  } finally {
    for (const name of names) await dropFromEveryNode(cluster, name);
  }
}
