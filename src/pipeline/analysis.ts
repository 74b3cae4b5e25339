import type { Engine } from '../engine/engine.js';
import type { FeedbackLayout } from '../feedback/layout.js';

export type AnalysisType = 'flow' | 'dns' | 'proxy';

/** What the analysis needs of a column: a string, or a number of any integer or floating width. */
export type ColumnKind = 'string' | 'int' | 'long' | 'double';

export interface SchemaColumn {
  name: string;
  kind: ColumnKind;
}

/** One (document, word) contribution of an event: SQL expressions over the featured relation. */
export interface WordSlot {
  ip: string;
  word: string;
}

export interface AnalysisOptions {
  userDomain: string;
  topDomainsFile?: string;
}

/** The relations `featurize` reads and defines. */
export interface FeaturizeRelations {
  /** Rows shaped like `input_view`: the schema columns plus spot_file, spot_row and spot_clean. */
  input: string;
  /** The view to define: all input columns plus the word columns named by `wordSlots`. */
  output: string;
  /** The input rows are some of the day's rows: tables of per-value features built for the day are reused. */
  dayRows?: boolean;
}

/**
 * Integer keys standing for the words of the day's events, which the corpus is counted by when an
 * analysis offers them (grouping ~20M rows by a BIGINT is much cheaper than by a string). Each key
 * expression is NULL exactly when its slot's word is NULL, and equal keys are equal words.
 */
export interface WordKeys {
  /** Per slot (same order as wordSlots), a BIGINT SQL expression over the featurised relation. */
  keys: readonly string[];
  /** SQL: the word of the key expression `key` (run once per distinct key, not per event). */
  wordOfKey(key: string): string;
  /** An integer input column every word holds the value of: pairs never span two of its values (pair-partitions.ts). */
  partition?: string;
}

/** The day's events: what the pipeline featurises. */
export const DAY_RELATIONS: FeaturizeRelations = { input: 'input_view', output: 'featured_view' };

/**
 * Analyst feedback for an analysis (SPEC §6). Feedback rows are turned into rows shaped like the input and
 * featurised by the analysis' own `featurize`, so a rated event gets exactly the word the same event of
 * the day gets.
 */
export interface AnalysisFeedback {
  /** The columns of its ml_feedback.csv. */
  layout: FeedbackLayout;
  /**
   * SQL over `feedbackRelation` (columns `spot_line` and the layout's used columns, typed; low-risk rows
   * only) giving rows shaped like the input: every schema column plus `spot_line`, at most one row per line.
   * It may join the day's input (`input_view`) to complete a row; a line it leaves out is reported as
   * `unmatchedReason`.
   */
  inputRowsSql(feedbackRelation: string): string;
  /** inputRowsSql joins the day's input (input_view): a run that holds only some of the day's events must provide them. */
  readsDayEvents?: boolean;
  unmatchedReason: string;
}

/**
 * One analysis type (flow, dns, proxy): its input schema, validity rule and word rule. The shared
 * pipeline (src/pipeline/run.ts) does everything else the same way for all three.
 */
export interface Analysis {
  type: AnalysisType;
  schema: readonly SchemaColumn[];
  /** Columns of the results file before the score, in Spot's order (SPEC §8). */
  resultColumns: readonly string[];
  /** SQL boolean over the input relation: the row is clean (SPEC §3). Null-safe: never NULL. */
  cleanPredicate: string;
  /**
   * Defines the view `relations.output` (default `featured_view`) over `relations.input` (default
   * `input_view`; clean rows only are featurised): all input columns plus the word columns named by
   * `wordSlots` (NULL = the word cannot be formed). It is also run over analyst feedback rows, so any
   * helper table it builds must be named after `relations.output`, and day-wide statistics (counts over
   * the day's rows) must still come from `input_view`. Over the day's relations (DAY_RELATIONS) it may
   * also define word keys and return them.
   */
  featurize(engine: Engine, options: AnalysisOptions, relations?: FeaturizeRelations): Promise<WordKeys | void>;
  /** The words of an event and the documents they go to; flow has two, dns and proxy one. */
  wordSlots: readonly WordSlot[];
  /** How analyst feedback joins the corpus; absent = feedback not supported (a warning). */
  feedback?: AnalysisFeedback;
}
