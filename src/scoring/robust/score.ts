import { sqlDouble, sqlIdent, type Engine } from '../../engine/engine.js';
import type { Analysis, AnalysisOptions } from '../../pipeline/analysis.js';
import type { ScoredEvents } from '../../pipeline/score.js';
import { robustProfile, textKey, type RobustProfile } from './profiles.js';
import { HINT_EVENTS, roundUp, type ReportHint } from '../../pipeline/report-hint.js';
import { writeRobustParts } from './parts.js';
import { buildAggregates, combine, comboKey, featureSurprise, hostAnomalies, hostFanout, pairBehaviour, peerRarity, rankScores } from './surprise.js';

/**
 * SQL selecting the profile's columns of `relation`'s scorable clean events, as rb_events has them: host,
 * peer and features as 64-bit hashes of their text or as the profile's keys (grouping and joining
 * integers is several times cheaper than text; only equality is ever used). `everyRowScorable`: the
 * caller knows every row of the relation is clean and scorable, so the test is left out (it reads and
 * checks a dozen columns of every row, once per read of the day).
 */
export function profileEventsSql(profile: RobustProfile, relation: string, everyRowScorable = false): string {
  const features = profile.features.map((f, j) => `${f.key ?? textKey(f.sql)} AS f${j}`).join(', ');
  const from = profile.source ? profile.source(relation) : relation;
  const whole = (sql: string) => `CAST(round(coalesce(${sql}, 0)) AS BIGINT)`;
  return `SELECT spot_file, spot_row, ${profile.hostKey ?? textKey(profile.host)} AS host,
      ${profile.peerKey ?? textKey(profile.peer)} AS peer, coalesce(${profile.initiated}, false) AS init,
      ${whole(profile.time)} AS t, ${whole(profile.size)} AS size,
      greatest(0, ${whole(profile.outBytes)}) AS outb, ${features}
    FROM ${from}${everyRowScorable ? '' : ` WHERE spot_clean AND ${profile.scorable}`}`;
}

/** Analyst feedback for the robust score (feedback.ts). */
export interface RobustAdjustment {
  /** SQL boolean over an event's rb_events columns (alias e): events whose kind a rating names. */
  flagged?: string;
  /** Rewrites the units' surprises (a table like rb_surprise); returns the table to rank. */
  adjust(surprise: string): Promise<string>;
}

/**
 * The day's events when they are not in this engine (a cluster's shards, src/pipeline/cluster-robust.ts):
 * it makes the aggregate tables (aggregates.ts) and, for selectReported, the events of rb_selected's units.
 */
export interface RobustEventSource {
  aggregate(feedback?: RobustAdjustment): Promise<void>;
  /** A relation (spot_file, spot_row, host, peer, init, combo) holding at least the reportable events of rb_selected's units. */
  selectedEvents(maxResults: number): Promise<string>;
}

/** Where the day's events are: `source` when not in this engine (a cluster); `everyRowScorable` when every input row is clean and scorable. */
export interface RobustDay {
  source?: RobustEventSource;
  everyRowScorable?: boolean;
}

/**
 * Scores the day's events in the robust mode (README "Scoring modes") and returns SQL over the events that
 * can be reported (score <= threshold, at most maxResults): the result columns, score, spot_file, spot_row.
 * `feedback` may rewrite the surprises (analyst feedback) before they are ranked. With
 * `day.everyRowScorable` (the day's count found every row clean and scorable: robust-run.ts) the reads of the day leave
 * out that test.
 */
export async function robustScoredEvents(
  engine: Engine,
  analysis: Analysis,
  options: AnalysisOptions,
  threshold: number,
  maxResults: number,
  feedback?: RobustAdjustment,
  day: RobustDay = {},
): Promise<ScoredEvents> {
  const { source, everyRowScorable = false } = day;
  const profile = robustProfile(analysis.type);
  const m = profile.features.length;
  const timed = async (name: string, work: () => Promise<void>) => {
    const t = Date.now();
    const cpu = process.cpuUsage();
    await work();
    if (!process.env.SPOT_ML_ROBUST_TIMING) return;
    const used = process.cpuUsage(cpu);
    const [spill] = await engine.rows('SELECT coalesce(sum(size), 0) // 1048576 AS mb FROM duckdb_temporary_files()');
    process.stderr.write(`robust ${name}: ${((Date.now() - t) / 1000).toFixed(2)} s, cpu ${((used.user + used.system) / 1e6).toFixed(2)} s, spill ${spill.mb} MB\n`);
  };
  // The day is read twice to aggregate it (buildAggregates) and once, filtered by host, for the reported
  // events: a view over the input when the profile reads it directly (flow), else a table, so the words
  // are formed once.
  const relation = profile.relation ?? 'featured_view';
  if (source) {
    await timed('aggregates', () => source.aggregate(feedback));
  } else {
    await timed('events', () => engine.exec(`CREATE OR REPLACE TEMP ${relation === 'input_view' ? 'VIEW' : 'TABLE'} rb_events AS ${profileEventsSql(profile, relation, everyRowScorable)}`));
    await timed('aggregates', () => buildAggregates(engine, m, 'rb_events', feedback?.flagged));
  }
  await timed('features', () => featureSurprise(engine, m));
  await timed('peers', () => peerRarity(engine));
  await timed('pairs', () => pairBehaviour(engine));
  await timed('fanout', () => hostFanout(engine));
  await timed('host', () => hostAnomalies(engine));
  // Feedback may raise any unit's surprise: then every pair is ranked.
  await timed('combine', () => combine(engine, feedback ? undefined : maxResults));
  // The parts of every explicit combination, for studying the score (not a product output).
  const dump = process.env.SPOT_ML_ROBUST_PARTS;
  if (dump) await engine.exec(`COPY (SELECT x.*, s.* EXCLUDE (combo, host, peer, init, n) FROM rb_explicit x JOIN rb_parts s USING (combo)) TO '${dump.replaceAll("'", "''")}' (FORMAT parquet)`);
  const ranked = feedback ? await feedback.adjust('rb_surprise') : 'rb_surprise';
  await timed('rank', () => rankScores(engine, ranked, maxResults));
  await timed('top', () => selectReported(engine, profile, relation, threshold, maxResults, day));
  await analysis.featurize(engine, options, { input: 'rb_top_input', output: 'rb_top_featured', dayRows: true });
  const cols = analysis.resultColumns.map((c) => `f.${sqlIdent(c)}`).join(', ');
  return {
    sql: `SELECT ${cols}, t.score, f.spot_file, f.spot_row FROM rb_top_featured f JOIN rb_top t ON f.spot_file = t.spot_file AND f.spot_row = t.spot_row`,
    hint: () => robustReportHint(engine, maxResults),
    explain: (dir) => writeRobustParts(engine, analysis, dir, ranked),
  };
}

/**
 * rb_top(spot_file, spot_row, score, kind, combo, host, peer): the reported events, those of the ranked units
 * within the threshold, with their unit (rb_surprise's kind and keys),
 * the first maxResults in the results' order (score, file, row); rb_top_input: their input rows. An event
 * is in its explicit combination's unit if it has one, else in its pair's when the host initiated it,
 * else in the unit of S = 0. Unless that last unit is reported, only the reported units' hosts are read.
 * rb_top_input is a table when at most maxResults rows (the results and their explanation both read it),
 * else a view (every event of the day may be reported).
 */
async function selectReported(
  engine: Engine, profile: RobustProfile, relation: string, threshold: number, maxResults: number,
  { source, everyRowScorable }: RobustDay,
): Promise<void> {
  const m = profile.features.length;
  const limit = maxResults > 0 ? `LIMIT ${Math.floor(maxResults)}` : '';
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_selected AS SELECT * FROM rb_unit_score WHERE score <= ${sqlDouble(threshold)}`);
  const [{ rest }] = await engine.rows('SELECT count(*) FILTER (WHERE kind = 2) AS rest FROM rb_selected');
  const some = Number(rest) === 0;
  const [{ uncovered }] = await engine.rows(`
    SELECT count(*) AS uncovered FROM rb_selected WHERE kind = 2 OR (kind = 1 AND hash(host, peer) NOT IN (SELECT k FROM rb_gap_pairs))`);
  const selectedHosts = 'host IN (SELECT host FROM rb_selected)';
  const hosts = some ? `AND e.${selectedHosts}` : '';
  const byHost = (c: string) => `${textKey(c)} IN (SELECT host FROM rb_selected)`;
  // Every event of an explicit combination or of a gap pair was kept by the aggregates' second pass
  // (rb_kept): when the reported units are all such, the day is not read again. A source (the cluster)
  // gives the selected units' events itself.
  const kept = !source && Number(uncovered) === 0;
  const events = source
    ? `(${await source.selectedEvents(maxResults)})`
    : kept
      ? `(SELECT k.*, f.spot_file FROM rb_kept k JOIN (SELECT DISTINCT spot_file, hash(spot_file) AS file_key FROM input_view) f USING (file_key)
          ${some ? `WHERE k.${selectedHosts}` : ''})`
      : some && profile.hostColumns && relation === 'input_view'
        ? `(${profileEventsSql(profile, `(SELECT * FROM input_view WHERE ${profile.hostColumns.map(byHost).join(' OR ')})`, everyRowScorable)})`
        : 'rb_events';
  const key = source || kept ? 'e.combo' : comboKey(m, 'e.');
  if (process.env.SPOT_ML_ROBUST_TIMING) process.stderr.write(`robust top: reported events from ${source ? 'the source' : kept ? 'the kept events' : 'the day'}\n`);
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_top AS
    SELECT spot_file, spot_row, score, kind, combo, host, peer FROM (
      SELECT e.spot_file, e.spot_row, CASE WHEN x.combo IS NOT NULL THEN xs.score WHEN e.init THEN p.score
        ELSE (SELECT score FROM rb_selected WHERE kind = 2) END AS score,
        CASE WHEN x.combo IS NOT NULL THEN 0 WHEN e.init THEN 1 ELSE 2 END AS kind, x.combo, e.host, e.peer
      FROM ${events} e
      LEFT JOIN rb_explicit x ON x.combo = ${key}
      LEFT JOIN (SELECT combo, score FROM rb_selected WHERE kind = 0) xs ON xs.combo = x.combo
      LEFT JOIN (SELECT host, peer, score FROM rb_selected WHERE kind = 1) p ON p.host = e.host AND p.peer = e.peer
      WHERE true ${hosts})
    WHERE score IS NOT NULL
    ${limit ? `ORDER BY score, spot_file, spot_row ${limit}` : ''};
    CREATE OR REPLACE ${limit ? 'TEMP TABLE' : 'VIEW'} rb_top_input AS
    SELECT i.* FROM input_view i SEMI JOIN rb_top t ON i.spot_file = t.spot_file AND i.spot_row = t.spot_row;`);
}

/**
 * When nothing is reported: the day's lowest robust score and a threshold reporting its first N events
 * (as report-hint.ts does for Spot's scores), from the ranked units (the first maxResults events'
 * units are always among them).
 */
async function robustReportHint(engine: Engine, maxResults: number): Promise<ReportHint | undefined> {
  const [{ events: day }] = await engine.rows('SELECT CAST(events AS DOUBLE) AS events FROM rb_totals');
  if (!(Number(day) > 0)) return undefined;
  const events = Math.max(1, Math.min(maxResults > 0 ? maxResults : HINT_EVENTS, Number(day)));
  const [r] = await engine.rows(`
    SELECT min(score) AS lowest, min(score) FILTER (WHERE score >= CAST(${events} AS HUGEINT) / (SELECT events FROM rb_totals)) AS cut
    FROM rb_unit_score`);
  return { lowestScore: Number(r.lowest), events, threshold: roundUp(Number(r.cut)) };
}
