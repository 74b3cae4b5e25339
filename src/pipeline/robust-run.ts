/**
 * A run in the robust mode (README "Scoring modes"): the day's accounting and invalid records, the robust
 * score, the results and their explanation (robust_parts.parquet), the summary. It fits no topic model:
 * the robust score does not use one, so the words' corpus, the LDA and the model's files (model/,
 * corpus.parquet, score_distribution.json) are the spot mode's alone (docs/DECISIONS.md, issue 13).
 */
import { join } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { SpotError } from '../common/errors.js';
import { formatCount, type Progress } from '../common/progress.js';
import { pauseForTest } from '../common/test-pause.js';
import { resultsPath, writeResults } from '../output/results.js';
import type { Analysis } from './analysis.js';
import { robustProfile } from '../scoring/robust/profiles.js';
import { robustScoredEvents, type RobustEventSource } from '../scoring/robust/score.js';
import { robustFeedback } from '../scoring/robust/feedback.js';
import { ROBUST_PARTS_FILE } from '../scoring/robust/parts.js';
import { finishRun, saveInvalid, saveRows, schemaColumns, wordErrorRows, type DayRead, type RunOptions, type RunSummary } from './run.js';

export interface RobustDayRead extends DayRead {
  /** Every input row is clean and scorable: the reads of the day leave out that test. */
  everyRowScorable?: boolean;
  /** Clean events that cannot be scored (their words cannot be formed), when counted before scoring. */
  wordErrors?: number;
  /** The day's events when they are not in this engine (a cluster run), which also saved the word errors. */
  source?: RobustEventSource & { feedbackProfile(featured: string): Promise<string> };
  /** Run before the events are scored (a cluster fetches the rated events' rows). */
  beforeScoring?: () => Promise<void>;
}

/**
 * The day's clean events (and, when the robust profile reads the input itself, those it can score) in one
 * read, and its invalid records saved.
 */
export async function countScorable(engine: Engine, analysis: Analysis, day: Omit<DayRead, 'invalid'>): Promise<RobustDayRead> {
  const profile = robustProfile(analysis.type);
  const onInput = profile.relation === 'input_view';
  const [c] = await day.run.timed('read', 'counting the clean events', () =>
    engine.rows(`SELECT count(*) FILTER (WHERE spot_clean) AS clean${onInput ? `, count(*) FILTER (WHERE spot_clean AND ${profile.scorable}) AS scorable` : ''}
      FROM input_view`),
  );
  const clean = Number(c.clean);
  const invalid = day.rowsRead - clean;
  await day.run.timed('read', 'saving invalid records', () => saveInvalid(engine, day.invalidDir, invalid));
  if (!onInput) return { ...day, invalid };
  const scorable = Number(c.scorable);
  return { ...day, invalid, everyRowScorable: scorable === day.rowsRead, wordErrors: clean - scorable };
}

/** Scores the day in the robust mode and writes the results, their explanation and the summary. */
export async function robustRun(engine: Engine, analysis: Analysis, options: RunOptions, progress: Progress, day: RobustDayRead): Promise<RunSummary> {
  const { rowsRead, invalid, invalidDir } = day;
  const clean = rowsRead - invalid;
  if (clean === 0 || clean === day.wordErrors) {
    throw new SpotError(
      `no valid ${analysis.type} records to score: of ${formatCount(rowsRead)} rows read, ${formatCount(invalid)} are invalid ` +
        `and ${formatCount(day.wordErrors ?? 0)} could not be featurised; nothing was written`,
    );
  }
  progress.note('robust scoring: no topic model is fitted (the LDA settings are not used)');
  const resultsFile = resultsPath(options.scoredDir, analysis.type);
  let hint: RunSummary['whenNothingReported'];
  let scored = 0;
  let explained = 0;
  const reported = await day.run.timed('score', 'robust scoring and writing results', async () => {
    await day.beforeScoring?.();
    const feedback = options.feedback
      ? await robustFeedback(engine, analysis, options, options.feedback.file, day.source?.feedbackProfile)
      : undefined;
    const events = await robustScoredEvents(engine, analysis, options, options.threshold, options.maxResults, feedback, {
      source: day.source,
      everyRowScorable: day.everyRowScorable,
    });
    const [totals] = await engine.rows('SELECT coalesce(events, 0) AS events FROM rb_totals');
    scored = Number(totals.events);
    if (scored === 0) {
      throw new SpotError(`no ${analysis.type} record of the day can be scored: of ${formatCount(clean)} clean rows, none has its words; nothing was written`);
    }
    const n = await writeResults(engine, events.sql, analysis.resultColumns, resultsFile, options);
    explained = await events.explain!(options.scoredDir);
    await pauseForTest('writing');
    if (n === 0) hint = await events.hint?.();
    return n;
  }, rowsRead);
  const wordErrors = clean - scored;
  if (day.wordErrors !== undefined && day.wordErrors !== wordErrors) {
    throw new SpotError(`internal accounting error: ${day.wordErrors} clean rows counted unscorable, ${wordErrors} not scored`, 1);
  }
  if (!day.source && wordErrors > 0) {
    await saveRows(engine, `SELECT ${schemaColumns(analysis)} FROM ${wordErrorRows(analysis)}`, join(invalidDir, 'word_error.parquet'));
  }
  return finishRun(analysis, options, day, {
    scored,
    notFeaturised: wordErrors,
    scoredForResults: scored,
    reported,
    resultsFile,
    explanationFile: join(options.scoredDir, ROBUST_PARTS_FILE),
    explainedEvents: explained,
    whenNothingReported: hint,
  });
}
