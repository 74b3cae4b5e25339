import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { sqlIdent } from '../engine/engine.js';
import { SpotError } from '../common/errors.js';
import { defineSqlHelpers } from '../common/sql-helpers.js';
import { Progress, formatCount } from '../common/progress.js';
import { fitLda, metricOnLastIteration, metricText } from '../lda/index.js';
import type { LdaParams } from '../lda/types.js';
import { resultsPath, writeResults } from '../output/results.js';
import { writeModel } from '../output/model.js';
import { writeAtomically } from '../output/atomic.js';
import { writeRunCorpus } from '../output/corpus.js';
import type { Analysis, AnalysisOptions, WordKeys } from './analysis.js';
import { resolveInputFiles } from './input.js';
import { caseRenames, checkSchema } from './schema-check.js';
import { buildCorpus, type CorpusBuild } from './corpus.js';
import { pairPartitions } from './pair-partitions.js';
import { alongside } from './alongside.js';
import { lowestCutoff } from './cutoff.js';
import { corpusScores, scoredEventsRelation } from './score.js';
import { reportHint, type ReportHint } from './report-hint.js';
import { pauseForTest } from '../common/test-pause.js';
import { printable } from '../common/display.js';
import { engineFailure } from '../engine/failures.js';
import { undecodableNote, type UndecodablePart } from './undecodable.js';
import { feedbackPairsSql, readAnalystFeedback, type FeedbackOptions, type FeedbackSummary } from '../feedback/apply.js';
import type { ScoringMode } from '../scoring/mode.js';
import { countScorable, robustRun } from './robust-run.js';

export interface RunOptions extends AnalysisOptions {
  input: string;
  scoredDir: string;
  threshold: number;
  maxResults: number;
  delimiter: string;
  header: boolean;
  lda: Omit<LdaParams, 'onIteration' | 'metricAt'>;
  /** Analyst feedback (SPEC §6): low-risk events join the training corpus dupFactor times. */
  feedback?: FeedbackOptions;
  /** Row groups the engine cannot decode, left out of the run (found after a first attempt failed). */
  skipRowGroups?: UndecodablePart[];
  /** SQL yielding (ip, word, n): extra training pairs beyond the day's events and the feedback. */
  extraPairs?: (engine: Engine) => Promise<string | undefined>;
  /** The settings the run used and where each came from (recorded in the summary). */
  settings?: Record<string, { value: string | number | boolean | null; source: string }>;
  /** spot (default): Spot's LDA score; robust: src/scoring/robust. */
  scoring?: ScoringMode;
}

export interface RunSummary {
  analysis: string;
  scoring: ScoringMode;
  rowsRead: number;
  invalid: number;
  notFeaturised: number;
  scored: number;
  /** Events scored to select the results: all scored events, or only those that could be reported (score.ts). */
  scoredForResults: number;
  reported: number;
  /** The topic model's corpus (spot mode; the robust mode fits no topic model). */
  documents?: number;
  vocabulary?: number;
  nonzeros?: number;
  seconds: number;
  stageSeconds: Record<string, number>;
  resultsFile: string;
  invalidRecordsDir: string;
  /** The topic model's folder (spot mode). */
  modelDir?: string;
  /** The explanation of the reported events' scores (robust mode: robust_parts.parquet). */
  explanationFile?: string;
  /** How many of the reported events it explains (the first ones). */
  explainedEvents?: number;
  feedback?: FeedbackSummary;
  settings?: RunOptions['settings'];
  /** Absolute paths of the input and of the feedback file (null when none). */
  inputPath: string;
  feedbackPath: string | null;
  /** When no event is reported: the day's lowest score and a threshold that reports some. */
  whenNothingReported?: ReportHint;
  /** Row groups skipped as undecodable; their rows are not in rowsRead. */
  undecodable?: { rows: number; parts: UndecodablePart[] };
  /** A run on a ClickHouse cluster: the rows its shards sent to this process, per stage (src/pipeline/cluster-run.ts). */
  cluster?: { shippedRows: Record<string, number> };
}

/** The whole analysis (SPEC §1): schema check → clean/invalid → words → corpus → LDA → scores → files. */
export async function runAnalysis(
  engine: Engine,
  analysis: Analysis,
  options: RunOptions,
  progress: Progress,
): Promise<RunSummary> {
  const run = startRun(progress);
  const { timed } = run;
  progress.follow(() => engine.queryProgress());
  await defineSqlHelpers(engine);
  const files = await resolveInputFiles(engine, options.input, options.scoredDir);
  const feedback = options.feedback ? await readAnalystFeedback(analysis, options.feedback) : undefined;
  const rowsRead = await timed('read', `checking ${files.length} input file(s)`, () => attachInput(engine, analysis, files, options.input, options.skipRowGroups));
  progress.note(`${formatCount(rowsRead)} rows in ${printable(options.input)}`);
  await pauseForTest('reading');

  const invalidDir = await emptyInvalidDir(options.scoredDir);

  const wordKeys = (await analysis.featurize(engine, options)) ?? undefined;
  const feedbackPairs = feedback
    ? await timed('words', 'analyst feedback', () => feedbackPairsSql(engine, analysis, feedback, options))
    : undefined;
  if (options.scoring === 'robust') {
    // The robust score uses no topic model: no corpus, no LDA (robust-run.ts).
    return robustRun(engine, analysis, options, progress, await countScorable(engine, analysis, { run, rowsRead, invalidDir, feedback }));
  }
  const otherPairs = options.extraPairs ? await options.extraPairs(engine) : undefined;
  const extraPairs = [feedbackPairs, otherPairs].filter(Boolean).join(' UNION ALL ') || undefined;
  const parts = wordKeys?.partition && !options.skipRowGroups?.length ? await pairPartitions(engine, files, wordKeys.partition) : undefined;
  const built = await timed('words', 'words and corpus', () => buildCorpus(engine, analysis.wordSlots, wordKeys, extraPairs, parts), rowsRead);
  // The corpus pass counted every clean row, so the invalid rows are known without a scan of their own;
  // they are saved by one (an empty file when there are none).
  const invalid = rowsRead - built.featurised - built.wordErrors;
  await timed('read', 'saving invalid records', () => saveInvalid(engine, invalidDir, invalid));
  if (built.wordErrors > 0) {
    await saveRows(engine, `SELECT ${schemaColumns(analysis)} FROM ${wordErrorRows(analysis)}`, join(invalidDir, 'word_error.parquet'));
  }
  return modelAndResults(engine, analysis, options, progress, { run, rowsRead, invalid, invalidDir, built, wordKeys, feedback });
}

/** What a run knows once it has read the day (and saved its invalid records): the same wherever the events are. */
export interface DayRead {
  run: RunClock;
  rowsRead: number;
  invalid: number;
  invalidDir: string;
  feedback?: { summary: FeedbackSummary };
  /** The input as recorded in the summary (default: the absolute --input path). */
  inputPath?: string;
  cluster?: RunSummary['cluster'];
}

/** What a run knows once the day's corpus is built: the tail (modelAndResults) is the same wherever the events are. */
export interface DayCorpus extends DayRead {
  built: CorpusBuild;
  wordKeys?: WordKeys;
  /** Run before the events are scored (cut: the score at or below which the reported events lie). */
  beforeScoring?: (cut: number, scores: Float64Array) => Promise<void>;
}

export interface RunClock {
  started: number;
  stageSeconds: Record<string, number>;
  timed<T>(stage: string, label: string, work: () => Promise<T>, rows?: number): Promise<T>;
}

/** The run's start and per-stage times. */
export function startRun(progress: Progress): RunClock {
  const started = Date.now();
  const stageSeconds: Record<string, number> = {};
  const timed = async <T>(stage: string, label: string, work: () => Promise<T>, rows?: number): Promise<T> => {
    const t = Date.now();
    const out = await progress.step(label, work, rows);
    stageSeconds[stage] = (stageSeconds[stage] ?? 0) + (Date.now() - t) / 1000;
    return out;
  };
  return { started, stageSeconds, timed };
}

/** LDA on the day's corpus, the scores, the results, the model and the summary (SPEC §7–8). */
export async function modelAndResults(
  engine: Engine,
  analysis: Analysis,
  options: RunOptions,
  progress: Progress,
  day: DayCorpus,
): Promise<RunSummary> {
  const { run: { stageSeconds, timed }, rowsRead, invalid, built, wordKeys } = day;
  const { corpus } = built;
  progress.note(
    `corpus: ${formatCount(corpus.numDocs)} documents (IPs), ${formatCount(corpus.numWords)} words, ${formatCount(corpus.wordIds.length)} nonzeros`,
  );
  if (corpus.numDocs === 0) {
    throw new SpotError(
      `no valid ${analysis.type} records to model: of ${formatCount(rowsRead)} rows read, ${formatCount(invalid)} are invalid ` +
        `and ${formatCount(built.wordErrors)} could not be featurised; nothing was written`,
    );
  }

  await pauseForTest('lda');
  const bar = progress.bar(`LDA ${options.lda.optimizer}`, options.lda.maxIterations);
  const ldaStart = Date.now();
  const model = await fitLda(corpus, {
    ...options.lda,
    onIteration: (i, _total, name, value) => bar.update(i, metricText(name, value)),
    metricAt: metricOnLastIteration,
  }).finally(() => bar.stop());
  stageSeconds.lda = (Date.now() - ldaStart) / 1000;
  progress.note(`LDA (${model.kernel ?? 'js'} kernels): ${stageSeconds.lda.toFixed(1)} s`);

  const resultsFile = resultsPath(options.scoredDir, analysis.type);
  const modelDir = join(options.scoredDir, 'model');
  let candidates: number | undefined;
  let hint: ReportHint | undefined;
  const reported = await timed('score', 'scoring and writing results', async () => {
    const scores = corpusScores(corpus, model);
    // The run's corpus file (a serial write) and the model go beside the events' scoring and the results.
    const writeCorpusAndModel = async (e: Engine) => {
      await writeRunCorpus(e, scores, built.dayCounts, options.scoredDir, analysis.wordSlots.length);
      await writeModel(e, model, modelDir, 'SELECT ip AS name, id FROM spot_docs', 'SELECT word AS name, id FROM spot_vocab');
    };
    return alongside(engine, writeCorpusAndModel, async () => {
      await day.beforeScoring?.(lowestCutoff(scores, built.dayCounts, analysis.wordSlots.length, options.threshold, options.maxResults), scores);
      const input = { corpus, model, scores, dayCounts: built.dayCounts, keys: wordKeys };
      const scored = await scoredEventsRelation(engine, analysis, options, input, options.threshold, options.maxResults);
      candidates = scored.candidates;
      const n = await writeResults(engine, scored.sql, analysis.resultColumns, resultsFile, options);
      await pauseForTest('writing');
      if (n === 0) hint = reportHint(scores, built.dayCounts, analysis.wordSlots.length, options.maxResults, built.featurised);
      return n;
    });
  }, built.featurised);

  return finishRun(analysis, options, day, {
    scored: built.featurised,
    notFeaturised: built.wordErrors,
    scoredForResults: candidates ?? built.featurised,
    reported,
    documents: corpus.numDocs,
    vocabulary: corpus.numWords,
    nonzeros: corpus.wordIds.length,
    resultsFile,
    modelDir,
    whenNothingReported: hint,
  });
}

/** What a run found, for its summary. */
export type RunOutcome = Pick<RunSummary, 'scored' | 'notFeaturised' | 'scoredForResults' | 'reported' | 'resultsFile' | 'whenNothingReported'> &
  Partial<Pick<RunSummary, 'documents' | 'vocabulary' | 'nonzeros' | 'modelDir' | 'explanationFile' | 'explainedEvents'>>;

/** The run's summary, checked (every row read is invalid, not featurised or scored) and written last: it marks the run complete. */
export async function finishRun(
  analysis: Analysis,
  options: RunOptions,
  day: DayRead,
  outcome: RunOutcome,
): Promise<RunSummary> {
  const { rowsRead, invalid, invalidDir, feedback } = day;
  const summary: RunSummary = {
    analysis: analysis.type,
    scoring: options.scoring ?? 'spot',
    rowsRead,
    invalid,
    notFeaturised: outcome.notFeaturised,
    scored: outcome.scored,
    scoredForResults: outcome.scoredForResults,
    reported: outcome.reported,
    documents: outcome.documents,
    vocabulary: outcome.vocabulary,
    nonzeros: outcome.nonzeros,
    seconds: (Date.now() - day.run.started) / 1000,
    stageSeconds: day.run.stageSeconds,
    resultsFile: outcome.resultsFile,
    invalidRecordsDir: invalidDir,
    modelDir: outcome.modelDir,
    explanationFile: outcome.explanationFile,
    explainedEvents: outcome.explainedEvents,
    feedback: feedback?.summary,
    settings: options.settings,
    inputPath: day.inputPath ?? resolve(options.input),
    feedbackPath: options.feedback ? resolve(options.feedback.file) : null,
    whenNothingReported: outcome.whenNothingReported,
    cluster: day.cluster,
    undecodable: options.skipRowGroups?.length
      ? { rows: options.skipRowGroups.reduce((n, p) => n + p.to - p.from, 0), parts: options.skipRowGroups }
      : undefined,
  };
  if (summary.rowsRead !== summary.invalid + summary.notFeaturised + summary.scored) {
    throw new SpotError(`internal accounting error: ${JSON.stringify(summary)}`, 1);
  }
  await writeAtomically(join(options.scoredDir, `${analysis.type}_summary.json`), (tmp) =>
    writeFile(tmp, JSON.stringify(summary, null, 2) + '\n'),
  );
  return summary;
}

/** Attaches the input, checks its schema, defines input_view (typed, with spot_clean); returns its row count. */
export async function attachInput(engine: Engine, analysis: Analysis, files: string[], source: string, skip?: UndecodablePart[]): Promise<number> {
  try {
    await engine.attachParquet('raw_input', files, skip);
    const found = await engine.describe('raw_input');
    const castToText = checkSchema(found, analysis.schema, source);
    const replace = castToText.length
      ? `REPLACE (${castToText.map((c) => `CAST(${sqlIdent(c)} AS VARCHAR) AS ${sqlIdent(c)}`).join(', ')})`
      : '';
    await engine.exec(`
      CREATE OR REPLACE VIEW input_view AS
      SELECT * EXCLUDE (file_row_number) ${replace}, file_row_number AS spot_row, ${analysis.cleanPredicate} AS spot_clean
      FROM (SELECT * ${caseRenames(found, analysis.schema)} FROM raw_input)`);
    const [{ n }] = await engine.rows('SELECT count(*) AS n FROM raw_input');
    const rows = Number(n);
    if (rows === 0 && skip?.length) throw new SpotError(`the input has no rows the engine can decode (${printable(source)}): ${undecodableNote(skip)}`);
    if (rows === 0) throw new SpotError(`the input has no rows: ${source} (${files.length} file(s))`);
    return rows;
  } catch (err) {
    if (err instanceof SpotError) throw err;
    throw engineFailure(err) ?? new SpotError(`cannot read the input as Parquet (${printable(source)}): ${printable(firstLine(err))}`);
  }
}

export async function saveRows(engine: Engine, sql: string, path: string): Promise<number> {
  return writeAtomically(path, (tmp) => engine.writeParquet(sql, tmp));
}

/** The day's invalid records (input_view's rows that are not clean), `invalid` of them, as invalid.parquet (an empty file when none). */
export async function saveInvalid(engine: Engine, invalidDir: string, invalid: number): Promise<void> {
  const rows = `SELECT * EXCLUDE (spot_file, spot_row, spot_clean) FROM input_view WHERE ${invalid > 0 ? 'NOT spot_clean' : 'false'}`;
  await saveCounted(engine, rows, join(invalidDir, 'invalid.parquet'), invalid);
}

/** saveRows, checking that exactly the `expected` rows counted beforehand were written. */
export async function saveCounted(engine: Engine, sql: string, path: string, expected: number): Promise<void> {
  const saved = await saveRows(engine, sql, path);
  if (saved !== expected) throw new SpotError(`internal accounting error: ${expected} rows counted for ${basename(path)}, ${saved} saved`, 1);
}

/** The run's invalid_records folder, created empty (with --scored when missing). */
export async function emptyInvalidDir(scoredDir: string): Promise<string> {
  const dir = join(scoredDir, 'invalid_records');
  await mkdir(scoredDir, { recursive: true });
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  return dir;
}

/** SQL: the analysis' schema columns, as a select list. */
export const schemaColumns = (analysis: Analysis): string => analysis.schema.map((c) => sqlIdent(c.name)).join(', ');

/** SQL relation: the clean events of featured_view whose words cannot all be formed (word_error.parquet). */
export function wordErrorRows(analysis: Analysis): string {
  return `featured_view WHERE spot_clean AND (${analysis.wordSlots.map((s) => `${s.word} IS NULL`).join(' OR ')})`;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}
