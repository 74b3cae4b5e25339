/**
 * The explanation of a robust run's reported events (robust_parts.parquet, beside the results): per
 * reported event, in the results' order, the unit it was ranked in and every part of its surprise as the
 * score computed them (surprise.ts). The console and `spot-ml show` read it: the robust mode fits no
 * topic model, so this file is what explains its scores.
 *
 * Columns: rank (the results row, from 1; ranks 1 to EXPLAINED_EVENTS at most), score, unit (`combination`: the event's own kind of event on
 * its host with its peer, odd in some feature; `pair`: the host's events with the peer it initiated;
 * `rest`: surprise 0). A combination none of whose features is odd scores as its pair (or 0 when not
 * initiated) and is named so: which such combinations are kept apart depends on the engine's filters
 * (aggregates.ts), never the scores, and the file is the same on every engine. Then host, peer, initiated, surprise (S, after analyst feedback), rated (feedback changed S), feature_part
 * (A) and features (per feature: name, value, surprise; their sum is A), peer_rarity (B), rarity_weight
 * (r = B / ln H), persistence (ln n), volume, routine, regularity, fanout, pair_part (P, counted only when
 * initiated) and host_odd ((A / ln H)·g). Unrated, S = A + P·initiated + host_odd.
 */
import { join } from 'node:path';
import { sqlString, type Engine } from '../../engine/engine.js';
import type { Analysis } from '../../pipeline/analysis.js';
import { writeAtomically } from '../../output/atomic.js';
import { robustProfile } from './profiles.js';
import { hostOddSql, pairPartsSql } from './surprise.js';

export const ROBUST_PARTS_FILE = 'robust_parts.parquet';

/**
 * The reported events explained, at most (the first ones in the results' order): far more than anyone
 * reviews, and a bound on the file's cost when a whole day is reported (10M rows of parts do not fit the
 * engine's default memory beside the day's aggregates).
 */
export const EXPLAINED_EVENTS = 100_000;

/** One feature of a reported event: its value and its part of A (0 unless odd for the host). */
export interface FeaturePart {
  name: string;
  value: string | null;
  surprise: number;
}

/** A row of robust_parts.parquet. */
export interface RobustParts {
  rank: number;
  score: number;
  unit: 'combination' | 'pair' | 'rest';
  host: string | null;
  peer: string | null;
  initiated: boolean;
  surprise: number;
  rated: boolean;
  feature_part: number;
  features: FeaturePart[];
  peer_rarity: number | null;
  rarity_weight: number | null;
  persistence: number | null;
  volume: number | null;
  routine: number | null;
  regularity: number | null;
  fanout: number | null;
  pair_part: number | null;
  host_odd: number;
}

/**
 * Writes robust_parts.parquet into `dir` from the tables robustScoredEvents left (rb_top, rb_top_featured and
 * the aggregates); `ranked` is the table of units that was ranked (rb_surprise, or its rated rewrite).
 * Returns the rows written: the reported events, the first EXPLAINED_EVENTS of them at most.
 */
export async function writeRobustParts(engine: Engine, analysis: Analysis, dir: string, ranked: string): Promise<number> {
  const profile = robustProfile(analysis.type);
  const rows = profile.source ? profile.source('rb_top_featured') : 'rb_top_featured';
  const texts = profile.features.map((f, j) => `CAST(${f.sql} AS VARCHAR) AS fv${j}`).join(', ');
  const features = profile.features.map((f, j) => `{'name': ${sqlString(f.name)}, 'value': v.fv${j}, 'surprise': coalesce(x.s${j}, 0)}`);
  const reportedPairs = '(SELECT p.* FROM rb_pairs p SEMI JOIN rb_explained t USING (host, peer))';
  // The event's unit's S in a table of units (kind, combo, host, peer, s), by plain equi-joins (a kind test
  // in ON makes DuckDB compare every pair of rows); t.combo is NULL outside kind 0, and the CASE picks by kind.
  const unitS = (units: string, u: string) => ({
    joins: `LEFT JOIN (SELECT combo, s FROM ${units} WHERE kind = 0) ${u}0 ON ${u}0.combo = t.combo
      LEFT JOIN (SELECT host, peer, s FROM ${units} WHERE kind = 1) ${u}1 ON ${u}1.host = t.host AND ${u}1.peer = t.peer
      LEFT JOIN (SELECT s FROM ${units} WHERE kind = 2) ${u}2 ON true`,
    s: `CASE t.kind WHEN 0 THEN ${u}0.s WHEN 1 THEN ${u}1.s ELSE coalesce(${u}2.s, 0) END`,
  });
  const surprise = unitS(ranked, 'u');
  const unrated = ranked === 'rb_surprise' ? undefined : unitS('rb_surprise', 'o');
  const sql = `
    SELECT rank, score, CASE WHEN kind = 0 AND feature_part > 0 THEN 'combination' WHEN initiated THEN 'pair' ELSE 'rest' END AS unit,
      host, peer, initiated, S AS surprise, ${unrated ? 'S IS DISTINCT FROM unrated' : 'false'} AS rated, feature_part, features,
      peer_rarity, rarity_weight, persistence, volume, routine, regularity, fanout, pair_part, host_odd
    FROM (
      SELECT row_number() OVER (ORDER BY t.score, t.spot_file, t.spot_row) AS rank, t.score, t.kind,
        v.host_text AS host, v.peer_text AS peer, CASE WHEN t.kind = 0 THEN x.init ELSE t.kind = 1 END AS initiated,
        ${surprise.s} AS S${unrated ? `, ${unrated.s} AS unrated` : ''},
        coalesce(x.a, 0) AS feature_part, [${features.join(', ')}] AS features,
        pp.b AS peer_rarity, pp.r AS rarity_weight, pp.persistence, pp.volume, pp.routine, pp.reg AS regularity,
        pp.fanout, pp.p AS pair_part,
        CASE WHEN t.kind = 0 THEN ${hostOddSql('x.a', 'tot', 'ho')} ELSE 0 END AS host_odd
      FROM rb_explained t
      LEFT JOIN rb_combo_a x ON x.combo = t.combo
      LEFT JOIN (${pairPartsSql(reportedPairs)}) pp ON pp.host = t.host AND pp.peer = t.peer
      LEFT JOIN rb_host_odd ho ON ho.host = t.host
      LEFT JOIN (SELECT spot_file, spot_row, ${profile.host} AS host_text, ${profile.peer} AS peer_text, ${texts} FROM ${rows}) v
        ON v.spot_file = t.spot_file AND v.spot_row = t.spot_row
      ${surprise.joins}
      ${unrated?.joins ?? ''}
      , rb_totals tot) t
    ORDER BY rank`;
  await engine.exec(`CREATE OR REPLACE TEMP TABLE rb_explained AS SELECT * FROM rb_top ORDER BY score, spot_file, spot_row LIMIT ${EXPLAINED_EVENTS}`);
  const written = await writeAtomically(join(dir, ROBUST_PARTS_FILE), (tmp) => engine.writeParquet(sql, tmp));
  await engine.exec('DROP TABLE rb_explained');
  return written;
}
