import { sqlIdent, type Engine } from '../../engine/engine.js';
import type { Analysis, AnalysisOptions } from '../../pipeline/analysis.js';
import type { ScoredEvents } from '../../pipeline/score.js';
import { robustProfile, type RobustProfile } from './profiles.js';
import { HINT_EVENTS, roundUp, type ReportHint } from '../../pipeline/report-hint.js';
import { buildCombos, combine, comboKey, featureSurprise, hostAnomalies, hostFanout, pairBehaviour, pairGaps, peerRarity, rankScores } from './surprise.js';

/**
 * SQL selecting the profile's columns of `relation`'s scorable clean events, as rb_events has them: host,
 * peer and features as 64-bit hashes of their text or as the profile's keys (grouping and joining
 * integers is several times cheaper than text; only equality is ever used).
 */
export function profileEventsSql(profile: RobustProfile, relation: string): string {
  const text = (sql: string) => `hash(coalesce(CAST(${sql} AS VARCHAR), ''))`;
  const features = profile.features.map((f, j) => `${f.key ?? text(f.sql)} AS f${j}`).join(', ');
  const from = profile.source ? profile.source(relation) : relation;
  return `SELECT spot_file, spot_row, ${text(profile.host)} AS host,
      ${text(profile.peer)} AS peer, coalesce(${profile.initiated}, false) AS init,
      CAST(coalesce(${profile.time}, 0) AS DOUBLE) AS t, CAST(coalesce(${profile.size}, 0) AS DOUBLE) AS size,
      CAST(greatest(0, coalesce(${profile.outBytes}, 0)) AS DOUBLE) AS outb, ${features}
    FROM ${from} WHERE spot_clean AND ${profile.scorable}`;
}

/**
 * Where the robust steps get the day's events: the embedded run's own (localEvents), or a cluster's shards
 * (src/pipeline/cluster-robust.ts). Every later step reads only the aggregate tables.
 */
export interface RobustEventSource {
  /** Builds the aggregate tables (rb_combos, rb_pair_base, rb_totals, rb_gaps) from the day's scorable events. */
  aggregate(): Promise<void>;
  /** SQL (spot_file, spot_row, combo) over at least the events whose combination is in `ranked` (combo, score) scoring at most `threshold`. */
  eventsOf(ranked: string, threshold: number): Promise<string>;
}

/** The day's events in the local engine (rb_events, a view or table of profileEventsSql). */
export function localEvents(engine: Engine, profile: RobustProfile, timed: (name: string, work: () => Promise<void>) => Promise<void>): RobustEventSource {
  const m = profile.features.length;
  return {
    async aggregate() {
      // The day is read once to group it (buildCombos), then for the gaps of some pairs and the reported events:
      // a view over the input when the profile reads it directly (flow), else a table, so the words are formed once.
      const relation = profile.relation ?? 'featured_view';
      await timed('events', () => engine.exec(`CREATE OR REPLACE TEMP ${relation === 'input_view' ? 'VIEW' : 'TABLE'} rb_events AS ${profileEventsSql(profile, relation)}`));
      await timed('combos', () => buildCombos(engine, m));
      await timed('gaps', () => pairGaps(engine));
    },
    eventsOf: async () => `SELECT spot_file, spot_row, ${comboKey(m)} AS combo FROM rb_events`,
  };
}

/**
 * Scores the day's events in the robust mode (README "Scoring modes") and returns SQL over the events that
 * can be reported (score <= threshold, at most maxResults): the result columns, score, spot_file, spot_row.
 * `adjust` may rewrite the surprises (analyst feedback) before they are ranked: it gets the table name of
 * (combo, s) and returns the table to rank.
 */
export async function robustScoredEvents(
  engine: Engine,
  analysis: Analysis,
  options: AnalysisOptions,
  threshold: number,
  maxResults: number,
  adjust?: (surprise: string) => Promise<string>,
  source?: RobustEventSource,
): Promise<ScoredEvents> {
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
  const events = source ?? localEvents(engine, profile, timed);
  await events.aggregate();
  await timed('features', () => featureSurprise(engine, m));
  await timed('peers', () => peerRarity(engine));
  await timed('pairs', () => pairBehaviour(engine));
  await timed('fanout', () => hostFanout(engine));
  await timed('host', () => hostAnomalies(engine));
  await timed('combine', () => combine(engine));
  // The parts of every distinct event kind, for studying the score (not a product output).
  const dump = process.env.SPOT_ML_ROBUST_PARTS;
  if (dump) await engine.exec(`COPY (SELECT c.*, s.* EXCLUDE (combo, n) FROM rb_combos c JOIN rb_surprise s USING (combo)) TO '${dump.replaceAll("'", "''")}' (FORMAT parquet)`);
  const ranked = adjust ? await adjust('rb_surprise') : 'rb_surprise';
  await timed('rank', () => rankScores(engine, ranked, maxResults));
  const limit = maxResults > 0 ? `LIMIT ${Math.floor(maxResults)}` : '';
  // The reported events: those of the ranked combinations within the threshold, the first maxResults in
  // the results' order (score, file, row).
  const combos = await events.eventsOf('rb_combo_score', threshold);
  await timed('top', () => engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_top AS
    SELECT e.spot_file, e.spot_row, s.score
    FROM (${combos}) e JOIN (SELECT * FROM rb_combo_score WHERE score <= CAST('${String(threshold)}' AS DOUBLE)) s ON s.combo = e.combo
    ORDER BY s.score, e.spot_file, e.spot_row ${limit};
    CREATE OR REPLACE VIEW rb_top_input AS
    SELECT i.* FROM input_view i SEMI JOIN rb_top t ON i.spot_file = t.spot_file AND i.spot_row = t.spot_row;`));
  await analysis.featurize(engine, options, { input: 'rb_top_input', output: 'rb_top_featured', dayRows: true });
  const cols = analysis.resultColumns.map((c) => `f.${sqlIdent(c)}`).join(', ');
  return {
    sql: `SELECT ${cols}, t.score, f.spot_file, f.spot_row FROM rb_top_featured f JOIN rb_top t ON f.spot_file = t.spot_file AND f.spot_row = t.spot_row`,
    hint: () => robustReportHint(engine, maxResults),
  };
}

/**
 * When nothing is reported: the day's lowest robust score and a threshold reporting its first N events
 * (as report-hint.ts does for Spot's scores), from the ranked combinations (the first maxResults events'
 * combinations are always among them).
 */
async function robustReportHint(engine: Engine, maxResults: number): Promise<ReportHint | undefined> {
  const [{ events: day }] = await engine.rows('SELECT CAST(events AS DOUBLE) AS events FROM rb_totals');
  if (!(Number(day) > 0)) return undefined;
  const events = Math.max(1, Math.min(maxResults > 0 ? maxResults : HINT_EVENTS, Number(day)));
  const [r] = await engine.rows(`
    SELECT min(score) AS lowest, min(score) FILTER (WHERE score >= CAST(${events} AS HUGEINT) / (SELECT events FROM rb_totals)) AS cut
    FROM rb_combo_score`);
  return { lowestScore: Number(r.lowest), events, threshold: roundUp(Number(r.cut)) };
}
