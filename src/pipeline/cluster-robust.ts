/**
 * The robust scoring mode (src/scoring/robust) on a ClickHouse cluster. The shards compute every event's
 * profile (host, peer, features; src/scoring/robust/cluster-profile.ts) and group the day into the robust
 * mode's aggregate tables, which come to this process's DuckDB under the embedded run's names; the
 * remaining steps run here by the embedded run's own code. At the end the shards send the events of the
 * units that can be reported (the candidate events), never the day's events.
 */
import type { Engine } from '../engine/engine.js';
import { SpotError } from '../common/errors.js';
import { chIdent, type ClickHouseCluster } from '../engine/clickhouse/cluster.js';
import { clickHouseDialect } from '../engine/clickhouse/dialect.js';
import { copyQueryToEveryNode, dropFromEveryNode, fetchInto, type ClusterColumn } from '../engine/clickhouse/fetch.js';
import { readFeedbackFile } from '../feedback/read.js';
import { clusterProfile, PROFILE_COLUMNS } from '../scoring/robust/cluster-profile.js';
import { withScope } from '../scoring/robust/feedback.js';
import { aggregateFilters } from '../scoring/robust/aggregates.js';
import type { RobustAdjustment } from '../scoring/robust/score.js';
import { CANDIDATE_PROFILE, clusterPass1, clusterPass2, clusterSelectedEvents, type ClusterPass, type FlaggedRule } from './cluster-robust-aggregates.js';
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

  const pass: ClusterPass = { engine, cluster, profile, where: `${day.dayEvents} AND ${scorable}`, fetch };

  return {
    /** The aggregate tables (aggregates.ts): both passes on the shards, the filters between them here. */
    async aggregate(feedback?: RobustAdjustment): Promise<void> {
      await clusterPass1(pass);
      await aggregateFilters(engine, m);
      const candidates = Array.from({ length: m }, (_, j) => `SELECT ${j} AS j, host, v FROM rb_candidates_${j}`).join(' UNION ALL ');
      await clusterPass2(pass, candidates, 'SELECT host, peer FROM rb_gap_pairs', feedback ? flaggedRules(m) : []);
    },

    async selectedEvents(maxResults: number): Promise<string> {
      const fetchRows = (sql: string, columns: ClusterColumn[], table: string) =>
        fetch('candidate events', sql, columns, table, { ...SPOT_ROW, spot_rb_init: 'BOOLEAN' });
      await clusterSelectedEvents(pass, day.columns, 'spot_cluster_events', maxResults, fetchRows);
      await day.candidatesFetched();
      const [host, peer, init, combo] = CANDIDATE_PROFILE;
      return `SELECT spot_file, spot_row, ${host} AS host, ${peer} AS peer, ${init} AS init, ${combo} AS combo FROM spot_cluster_events`;
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
      // The profile reads the first slot's word for DNS and proxy (flow's features come from the input).
      const word = analysis.type === 'flow' ? undefined : analysis.wordSlots[0].word;
      const shipped: ClusterColumn[] = [
        { name: 'spot_row', type: 'Int64' },
        { name: 'spot_clean', type: 'UInt8' },
        ...wanted.map((c) => ({ name: c, type: types.get(c)! })),
        ...(word ? [{ name: word, type: 'Nullable(String)' }] : []),
      ];
      const rows = `SELECT * REPLACE (CAST(spot_clean AS INTEGER) AS spot_clean) FROM ${featured}`;
      const name = `spot_rb_feedback_${process.pid}_${Date.now()}`;
      try {
        const table = await copyQueryToEveryNode(engine, cluster, name, rows, shipped);
        const on = clusterProfile(analysis.type, { dialect, word: word ? chIdent(word) : 'NULL' });
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


/**
 * The rated kinds of event as rules the shards test (feedback.ts' `flagged`, from rb_feedback): the same
 * features (a low-risk rating of scope word), the same host and features (high risk, or low risk of scope
 * event), the same peer (high risk).
 */
function flaggedRules(m: number): FlaggedRule[] {
  const f = Array.from({ length: m }, (_, j) => `f${j}` as const);
  return [
    { columns: f, rows: `SELECT DISTINCT ${f.join(', ')} FROM rb_feedback WHERE rating = 3 AND scope = 'word'` },
    { columns: ['host', ...f], rows: `SELECT DISTINCT host, ${f.join(', ')} FROM rb_feedback WHERE rating = 1 OR (rating = 3 AND scope = 'event')` },
    { columns: ['peer'], rows: `SELECT DISTINCT peer FROM rb_feedback WHERE rating = 1` },
  ];
}
