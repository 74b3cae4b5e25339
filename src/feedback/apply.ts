import type { Engine } from '../engine/engine.js';
import { sqlString } from '../engine/engine.js';
import type { Analysis, AnalysisOptions } from '../pipeline/analysis.js';
import { eventSlotsSql } from '../pipeline/corpus.js';
import { readFeedbackFile, type FeedbackRow, type LineProblem } from './read.js';
import { createFeedbackTable } from './table.js';
import { printable } from '../common/display.js';

export interface FeedbackOptions {
  /** The ml_feedback.csv to read; a missing file means no feedback. */
  file: string;
  /** Times each low-risk (3) event joins the training corpus. */
  dupFactor: number;
  /** No warnings on stderr (-q): they are still counted in the summary. */
  quiet?: boolean;
}

export interface FeedbackSummary {
  file: string;
  found: boolean;
  /** Lines read as events, by rating. */
  ratedHigh: number;
  ratedMedium: number;
  ratedLow: number;
  /** Malformed lines, skipped. */
  malformed: number;
  /** Low-risk events added to the corpus (each dupFactor times). */
  lowRiskUsed: number;
  /** Low-risk events that could not be used: no matching record of the day, invalid, or no word. */
  lowRiskUnusable: number;
  dupFactor: number;
}

export interface LoadedFeedback {
  options: FeedbackOptions;
  lowRisk: FeedbackRow[];
  summary: FeedbackSummary;
}

const MAX_REPORTED = 50;
const LOW_RISK = 3;

/**
 * Reads the analyst feedback file (SPEC §6) before any other work, reporting on stderr a missing file and
 * every malformed line. Throws (SpotError) only when the file exists but cannot be read.
 */
export async function readAnalystFeedback(analysis: Analysis, options: FeedbackOptions): Promise<LoadedFeedback> {
  const summary: FeedbackSummary = {
    file: options.file, found: false, ratedHigh: 0, ratedMedium: 0, ratedLow: 0, malformed: 0,
    lowRiskUsed: 0, lowRiskUnusable: 0, dupFactor: options.dupFactor,
  };
  if (!analysis.feedback) {
    warn(options, `${analysis.type} feedback is not supported yet; ${options.file} is not read`);
    return { options, lowRisk: [], summary };
  }
  const layout = analysis.feedback.layout;
  const parsed = await readFeedbackFile(options.file, layout);
  if (!parsed) {
    warn(options, `no feedback file at ${options.file}; the model is trained on the day's events alone`);
    return { options, lowRisk: [], summary };
  }
  summary.found = true;
  summary.malformed = parsed.problems.length;
  reportLines(options, 'malformed line skipped', parsed.problems);
  const rating = (r: FeedbackRow) => Number(r.values[layout.rating].trim());
  summary.ratedHigh = parsed.rows.filter((r) => rating(r) === 1).length;
  summary.ratedMedium = parsed.rows.filter((r) => rating(r) === 2).length;
  const lowRisk = parsed.rows.filter((r) => rating(r) === LOW_RISK);
  summary.ratedLow = lowRisk.length;
  return { options, lowRisk, summary };
}

/**
 * Featurises the low-risk feedback events with the analysis' own word rules and returns SQL yielding
 * (ip, word, n) training pairs, n = dupFactor per event and word; undefined when nothing is added.
 * Low-risk events that cannot be used are reported by line and counted in the summary.
 */
export async function feedbackPairsSql(
  engine: Engine,
  analysis: Analysis,
  loaded: LoadedFeedback,
  options: AnalysisOptions,
): Promise<string | undefined> {
  const rules = analysis.feedback;
  if (!rules || loaded.lowRisk.length === 0 || loaded.options.dupFactor <= 0) return undefined;
  const { summary } = loaded;
  await createFeedbackTable(engine, 'spot_feedback_rows', rules.layout, loaded.lowRisk);
  await engine.exec(`
    CREATE OR REPLACE TABLE spot_feedback_input AS
    SELECT * EXCLUDE (spot_line), ${sqlString(loaded.options.file)} AS spot_file, spot_line AS spot_row,
      ${analysis.cleanPredicate} AS spot_clean
    FROM (${rules.inputRowsSql('spot_feedback_rows')})`);
  await analysis.featurize(engine, options, { input: 'spot_feedback_input', output: 'spot_feedback_featured' });

  const slots = analysis.wordSlots;
  const anyMissing = slots.map((s) => `f.${s.word} IS NULL`).join(' OR ');
  const issues = await engine.rows(`
    SELECT r.spot_line AS line,
      CASE WHEN f.spot_row IS NULL THEN ${sqlString(rules.unmatchedReason)}
           WHEN NOT f.spot_clean THEN ${sqlString(`not a valid ${analysis.type} record (SPEC §3)`)}
           ELSE 'its word cannot be formed' END AS problem
    FROM spot_feedback_rows r LEFT JOIN spot_feedback_featured f ON f.spot_row = r.spot_line
    WHERE f.spot_row IS NULL OR NOT f.spot_clean OR ${anyMissing}
    ORDER BY r.spot_line`);
  summary.lowRiskUnusable = issues.length;
  summary.lowRiskUsed = summary.ratedLow - issues.length;
  reportLines(loaded.options, 'low-risk event not used', issues.map((r) => ({ line: Number(r.line), problem: String(r.problem) })));

  await engine.exec(`
    CREATE OR REPLACE TABLE spot_feedback_pairs AS
    SELECT ip, word, CAST(count(*) * ${Math.floor(loaded.options.dupFactor)} AS BIGINT) AS n
    FROM (${eventSlotsSql(slots, 'spot_feedback_featured')}) WHERE ip IS NOT NULL AND word IS NOT NULL GROUP BY ip, word`);
  return 'SELECT ip, word, n FROM spot_feedback_pairs';
}

function reportLines(options: FeedbackOptions, what: string, problems: readonly LineProblem[]): void {
  const file = options.file;
  for (const p of problems.slice(0, MAX_REPORTED)) warn(options, `${file}:${p.line}: ${what}: ${p.problem}`);
  if (problems.length > MAX_REPORTED) warn(options, `${file}: ${problems.length - MAX_REPORTED} more lines like these`);
}

/** Feedback warnings say what the analyst's ratings did not do; -q silences them (the summary still counts them). */
function warn(options: FeedbackOptions, message: string): void {
  if (!options.quiet) process.stderr.write(`spot-ml: feedback: ${printable(message)}\n`);
}
