/**
 * Analyst feedback in the robust mode: it changes only what was rated, never the population figures the
 * other events are scored by.
 *
 * - Low risk (3) takes the rated kind of event out of suspicion (surprise 0, the bottom of the list). Its
 *   reach is the optional `scope` column: `event` (absent or empty: the same kind of event, i.e. the same
 *   features, on the same host), `word` (the same features on every host), `destination` or `domain` (every
 *   event with that peer, on every host).
 * - High risk (1) lifts similar events to the top: every event with the rated event's peer (on any host)
 *   and the same kind of event on the same host get the day's highest surprise added.
 * - Medium (2) changes nothing.
 */
import type { Engine } from '../../engine/engine.js';
import { sqlString } from '../../engine/engine.js';
import type { Analysis, AnalysisOptions } from '../../pipeline/analysis.js';
import type { FeedbackLayout } from '../../feedback/layout.js';
import { readFeedbackFile } from '../../feedback/read.js';
import { createFeedbackTable } from '../../feedback/table.js';
import { robustProfile } from './profiles.js';
import { profileEventsSql, type RobustAdjustment } from './score.js';
import { featureColumns } from './aggregates.js';

export const SCOPES = ['event', 'word', 'destination', 'domain'] as const;

/** The layout of the analysis' feedback file plus the optional `scope` column. */
export function withScope(layout: FeedbackLayout): FeedbackLayout {
  return { ...layout, columns: [...layout.columns, { name: 'scope', kind: 'text', nullable: true }] };
}

/**
 * Reads the feedback file's low- and high-risk events and returns the adjustment of surprises (see
 * robustScoredEvents' `feedback`), or undefined when there is nothing to apply. The events a rating names
 * by their features (and those of a high-risk rating's peer) are kept as explicit combinations
 * (aggregates.ts), so that they can be moved apart from their pair's other events.
 */
export async function robustFeedback(
  engine: Engine,
  analysis: Analysis,
  options: AnalysisOptions,
  file: string,
  profileOf?: (featured: string) => Promise<string>,
): Promise<RobustAdjustment | undefined> {
  const rules = analysis.feedback;
  if (!rules) return undefined;
  const layout = withScope(rules.layout);
  const parsed = await readFeedbackFile(file, layout);
  if (!parsed) return undefined;
  const rating = (values: Record<string, string>) => Number(values[layout.rating].trim());
  const scopeOf = (values: Record<string, string>) => (values.scope ?? '').trim().toLowerCase() || 'event';
  const rows = parsed.rows.filter((r) => {
    const rated = rating(r.values);
    if (rated !== 1 && rated !== 3) return false;
    if ((SCOPES as readonly string[]).includes(scopeOf(r.values))) return true;
    process.stderr.write(`spot-ml: feedback: ${file}:${r.line}: scope "${r.values.scope}" is not one of ${SCOPES.join(', ')}; line not used by the robust score\n`);
    return false;
  });
  if (rows.length === 0) return undefined;
  await createFeedbackTable(engine, 'rb_feedback_rows', layout, rows);
  await engine.exec(`
    CREATE OR REPLACE TABLE rb_feedback_input AS
    SELECT * EXCLUDE (spot_line), ${sqlString(file)} AS spot_file, spot_line AS spot_row, ${analysis.cleanPredicate} AS spot_clean
    FROM (${rules.inputRowsSql('rb_feedback_rows')})`);
  await analysis.featurize(engine, options, { input: 'rb_feedback_input', output: 'rb_feedback_featured' });
  const profile = robustProfile(analysis.type);
  const f = featureColumns(profile.features.length);
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_feedback AS
    SELECT e.*, CAST(r.${layout.rating} AS INTEGER) AS rating, lower(coalesce(nullif(trim(r.scope), ''), 'event')) AS scope
    FROM ${profileOf ? await profileOf('rb_feedback_featured') : `(${profileEventsSql(profile, 'rb_feedback_featured')})`} e JOIN rb_feedback_rows r ON r.spot_line = e.spot_row`);
  const sameFeatures = f.map((c) => `r.${c} = c.${c}`).join(' AND ');
  const kinds = `hash(${f.map((c) => `e.${c}`).join(', ')})`;
  const hostKinds = `hash(e.host, ${f.map((c) => `e.${c}`).join(', ')})`;
  const ruleKinds = `hash(${f.join(', ')})`;
  const ruleHostKinds = `hash(host, ${f.join(', ')})`;
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE rb_feedback_keys AS
    SELECT ${ruleKinds} AS k FROM rb_feedback WHERE rating = 3 AND scope = 'word'
    UNION SELECT ${ruleHostKinds} FROM rb_feedback WHERE rating = 1 OR (rating = 3 AND scope = 'event');
    CREATE OR REPLACE TEMP TABLE rb_feedback_peers AS SELECT DISTINCT hash(peer) AS k FROM rb_feedback WHERE rating = 1;`);
  return {
    flagged: `${kinds} IN (SELECT k FROM rb_feedback_keys) OR ${hostKinds} IN (SELECT k FROM rb_feedback_keys) OR hash(e.peer) IN (SELECT k FROM rb_feedback_peers)`,
    adjust: async (surprise: string) => {
      // Units of a pair or of S = 0 have no features (c.f* NULL): only a peer rule can name them.
      await engine.exec(`
        CREATE OR REPLACE TEMP TABLE rb_surprise_rated AS
        SELECT s.kind, s.combo, s.host, s.peer, s.n, CASE
            WHEN EXISTS (SELECT 1 FROM rb_feedback r WHERE r.rating = 3 AND (
              (r.scope = 'event' AND r.host = c.host AND ${sameFeatures}) OR (r.scope = 'word' AND ${sameFeatures})
              OR (r.scope IN ('destination', 'domain') AND r.peer = s.peer))) THEN 0
            WHEN EXISTS (SELECT 1 FROM rb_feedback r WHERE r.rating = 1 AND (r.peer = s.peer OR (r.host = c.host AND ${sameFeatures})))
              THEN s.s + (SELECT max(s) FROM ${surprise})
            ELSE s.s END AS s
        FROM ${surprise} s LEFT JOIN rb_explicit c USING (combo)`);
      return 'rb_surprise_rated';
    },
  };
}
