/**
 * The robust scoring mode (src/scoring/robust) on a ClickHouse cluster. The shards compute every event's
 * profile (host, peer, features; src/scoring/robust/cluster-profile.ts) and group the day into the robust
 * mode's aggregate tables, which come to this process's DuckDB under the embedded run's names; the
 * remaining steps run here by the embedded run's own code. At the end the shards send the events of the
 * combinations that can be reported (the candidate events), never the day's events.
 */
import type { Engine } from '../engine/engine.js';
import { SpotError } from '../common/errors.js';
import { chIdent, chString, type ClickHouseCluster } from '../engine/clickhouse/cluster.js';
import { clickHouseDialect } from '../engine/clickhouse/dialect.js';
import { copyToEveryNode, dropFromEveryNode, fetchInto, type ClusterColumn } from '../engine/clickhouse/fetch.js';
import { readFeedbackFile } from '../feedback/read.js';
import { clusterProfile, PROFILE_COLUMNS, type ClusterProfile } from '../scoring/robust/cluster-profile.js';
import { withScope } from '../scoring/robust/feedback.js';
import { pairsOfCombos } from '../scoring/robust/surprise.js';
import type { Analysis } from './analysis.js';

export interface RobustClusterDay {
  engine: Engine;
  cluster: ClickHouseCluster;
  analysis: Analysis;
  /** `FROM <the day's events, lookups joined> WHERE <on the day>` */
  dayEvents: string;
  /** ClickHouse SQL: the event is clean. */
  clean: string;
  /** ClickHouse SQL of each word slot. */
  words: readonly string[];
  /** The day table's columns (schema, spot_file, spot_row) and their ClickHouse types. */
  columns: readonly ClusterColumn[];
  shipped: Record<string, number>;
  /** Called once the candidate events are in spot_cluster_events (featurises them as the day's). */
  candidatesFetched(): Promise<void>;
}

/** spot_row is the embedded run's file_row_number: a BIGINT. */
const SPOT_ROW = { spot_row: 'BIGINT' };

/** The profile's select list over a relation, aliased rb_* (never a column name of the analyses). */
export function profileColumns(p: ClusterProfile): string {
  return [
    `${p.host} AS rb_host`, `${p.peer} AS rb_peer`, `${p.init} AS rb_init`, `${p.t} AS rb_t`, `${p.size} AS rb_size`, `${p.outb} AS rb_outb`,
    ...p.features.map((f, j) => `${f} AS rb_f${j}`),
  ].join(', ');
}

/** ClickHouse SQL: the combination key of an event (host, peer, init, features), as the profile's expressions. */
export const comboOf = (p: ClusterProfile) => `cityHash64(${[p.host, p.peer, p.init, ...p.features].join(', ')})`;

/** ClickHouse SQL: surprise.ts' hourBit, 1 << (t / 3600 rounded half to even, as DuckDB casts, mod 24). */
const hourBit = (t: string) => {
  const h = `(${t}) / 3600`;
  return `bitShiftLeft(toUInt64(1), toUInt8(toInt64(if(${h} - floor(${h}) = 0.5, 2 * round(${h} / 2), round(${h}))) % 24))`;
};

export function robustOnCluster(day: RobustClusterDay) {
  const { engine, cluster, analysis } = day;
  const dialect = clickHouseDialect(cluster);
  const profile = clusterProfile(analysis.type, { dialect, word: day.words[0] });
  const m = profile.features.length;
  const scorable = `${day.clean} AND ${profile.scorable}`;
  const fetch = async (stage: string, sql: string, columns: ClusterColumn[], table: string, types: Record<string, string> = {}) => {
    const n = await fetchInto(cluster, engine, sql, columns, table, types);
    day.shipped[stage] = (day.shipped[stage] ?? 0) + n;
    return n;
  };
  const featureColumns = Array.from({ length: m }, (_, j) => ({ name: `f${j}`, type: 'UInt64' }));

  const where = `${day.dayEvents} AND ${scorable}`;
  const pairKey = [{ name: 'host', type: 'UInt64' }, { name: 'peer', type: 'UInt64' }];
  const keys = [`${profile.host} AS rb_host`, `${profile.peer} AS rb_peer`];
  const features = profile.features.map((f, j) => `${f} AS rb_f${j}`);

  return {
    /** The aggregate tables, grouped on the shards (each shard's partial groups merged by the initiator). */
    async aggregate(): Promise<void> {
      const groups = ['rb_host', 'rb_peer', 'rb_init', ...features.map((_, j) => `rb_f${j}`)];
      await fetch(
        'robust combinations',
        `SELECT cityHash64(${groups.join(', ')}) AS rb_combo, ${keys.join(', ')}, ${profile.init} AS rb_init, ${features.join(', ')},
            count() AS rb_n, groupBitOr(${hourBit(profile.t)}) AS rb_hours, sum(${profile.outb}) AS rb_outb
          ${where} GROUP BY ${groups.join(', ')}`,
        [{ name: 'combo', type: 'UInt64' }, ...pairKey, { name: 'init', type: 'UInt8' }, ...featureColumns,
          { name: 'n', type: 'UInt64' }, { name: 'hours', type: 'UInt64' }, { name: 'outb', type: 'Float64' }],
        'rb_combos',
        { init: 'BOOLEAN', n: 'BIGINT', hours: 'INTEGER' },
      );
      await pairsOfCombos(engine);
      // The gaps of the pairs with at least 3 events of which the host initiated one (pairGaps).
      await fetch(
        'robust pair gaps',
        `SELECT ${keys.join(', ')}, arraySum(arrayPopFront(arrayDifference(arraySort(groupArray(${profile.t})))) AS rb_gaps) / length(rb_gaps) AS mean_gap, sqrt(arrayReduce('varPop', rb_gaps)) AS sd_gap,
            if(avg(${profile.size}) > 0, stddevPop(${profile.size}) / avg(${profile.size}), 0) AS cv_size
          ${where} GROUP BY rb_host, rb_peer HAVING count() >= 3 AND max(${profile.init}) = 1`,
        [...pairKey, { name: 'mean_gap', type: 'Float64' }, { name: 'sd_gap', type: 'Float64' }, { name: 'cv_size', type: 'Float64' }],
        'rb_gaps',
      );
    },

    /**
     * The feedback events' profiles, computed by the shards' SQL so that their hashes are the shards' (a
     * DuckDB hash never meets a ClickHouse one): the featurised rows `featured` go to every node as a small
     * table, and (spot_row, host, peer, init, f…) come back. Returns the local relation.
     */
    async feedbackProfile(featured: string): Promise<string> {
      const wanted = PROFILE_COLUMNS[analysis.type];
      const types = new Map(day.columns.map((c) => [c.name, c.type]));
      const decimal = wanted.filter((c) => /Decimal/.test(types.get(c) ?? ''));
      if (decimal.length) throw new SpotError(`--scoring robust with --engine clickhouse needs ${decimal.join(', ')} as integers or doubles, not decimals`);
      const word = analysis.wordSlots[0].word;
      const needsWord = analysis.type !== 'flow';
      const shipped: ClusterColumn[] = [
        { name: 'spot_row', type: 'Int64' },
        { name: 'spot_clean', type: 'UInt8' },
        ...wanted.map((c) => ({ name: c, type: types.get(c)! })),
        ...(needsWord ? [{ name: 'spot_word', type: 'Nullable(String)' }] : []),
      ];
      const selected = [
        'CAST(spot_row AS VARCHAR)', 'CAST(spot_clean::INTEGER AS VARCHAR)',
        ...wanted.map((c) => `CAST(${chIdent(c).replaceAll('`', '"')} AS VARCHAR)`),
        ...(needsWord ? [`CAST("${word}" AS VARCHAR)`] : []),
      ];
      const values: (string | null)[][] = shipped.map(() => []);
      await engine.streamColumns(`SELECT ${selected.join(', ')} FROM ${featured}`, (cols, n) => {
        for (let c = 0; c < values.length; c++) for (let i = 0; i < n; i++) values[c].push((cols[c] as (string | null)[])[i]);
      });
      const name = `spot_rb_feedback_${process.pid}_${Date.now()}`;
      try {
        const table = await copyToEveryNode(cluster, name, shipped, values);
        const on = clusterProfile(analysis.type, { dialect, word: needsWord ? 'spot_word' : 'NULL' });
        await fetch(
          'feedback events',
          `SELECT spot_row, ${on.host}, ${on.peer}, ${on.init}, ${on.features.join(', ')} FROM ${table} WHERE spot_clean = 1 AND ${on.scorable}`,
          [{ name: 'spot_row', type: 'Int64' }, { name: 'host', type: 'UInt64' }, { name: 'peer', type: 'UInt64' }, { name: 'init', type: 'UInt8' }, ...featureColumns],
          'rb_feedback_profiles',
          { spot_row: 'BIGINT', init: 'BOOLEAN' },
        );
      } finally {
        await dropFromEveryNode(cluster, name);
      }
      return 'rb_feedback_profiles';
    },

    /**
     * The events of the combinations of `ranked` (combo, score) scoring at most `threshold`: fetched from the
     * shards with their combination into spot_cluster_events; returns (spot_file, spot_row, combo) over them.
     */
    async eventsOf(ranked: string, threshold: number): Promise<string> {
      const combos: string[] = [];
      await engine.streamColumns(`SELECT CAST(combo AS VARCHAR) FROM ${ranked} WHERE score <= CAST('${String(threshold)}' AS DOUBLE)`, (cols, n) => {
        for (let i = 0; i < n; i++) combos.push((cols[0] as string[])[i]);
      });
      const name = `spot_rb_combos_${process.pid}_${Date.now()}`;
      try {
        const table = await copyToEveryNode(cluster, name, [{ name: 'combo', type: 'UInt64' }], [combos]);
        const cols = day.columns.map((c) => chIdent(c.name)).join(', ');
        await fetch(
          'candidate events',
          // One flat query, so that each shard filters its own events.
          `SELECT ${cols}, ${comboOf(profile)} AS rb_combo ${day.dayEvents} AND ${scorable} AND rb_combo IN ${table}`,
          [...day.columns, { name: 'spot_combo', type: 'UInt64' }],
          'spot_cluster_events',
          SPOT_ROW,
        );
      } finally {
        await dropFromEveryNode(cluster, name);
      }
      await day.candidatesFetched();
      return 'SELECT spot_file, spot_row, spot_combo AS combo FROM spot_cluster_events';
    },
  };
}

/**
 * For feedback completed from the day's events (flow: a rated event without its protocol): the first-slot
 * addresses of the robust mode's rated events (high and low risk), whose clean events are fetched.
 */
export async function robustFeedbackAddresses(analysis: Analysis, file: string): Promise<string[]> {
  if (!analysis.feedback?.readsDayEvents) return [];
  const layout = withScope(analysis.feedback.layout);
  const parsed = await readFeedbackFile(file, layout);
  const ip = analysis.wordSlots[0].ip;
  const rated = (parsed?.rows ?? []).filter((r) => ['1', '3'].includes(r.values[layout.rating].trim()));
  return [...new Set(rated.map((r) => r.values[ip]?.trim()).filter((v): v is string => Boolean(v)))];
}

export const chList = (values: readonly string[]) => values.map(chString).join(', ');
