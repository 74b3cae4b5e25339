import type { AnalysisType } from '../pipeline/analysis.js';

/**
 * How a feedback value is checked and typed:
 * - `rating`: 1 (high risk), 2 (medium) or 3 (low risk);
 * - `int`, `long`: whole numbers;
 * - `dateTime`: `YYYY-MM-DD HH:MM:SS` (flow `tstart`); `tsharkTime`: tshark's `May  12 2015 11:32:45.5 UTC`
 *   (dns `frame_time`); `clockTime`: `HH:MM:SS` (proxy `p_time`);
 * - `text`: any string; `ignored`: a column Spot's front end wrote that the model does not use.
 */
export type FeedbackValueKind = 'rating' | 'int' | 'long' | 'dateTime' | 'tsharkTime' | 'clockTime' | 'text' | 'ignored';

export interface FeedbackColumn {
  /** Spot's header name. */
  name: string;
  /** Other header names accepted for it (matched case-insensitively, like `name`). */
  aliases?: readonly string[];
  kind: FeedbackValueKind;
  /** Spot's position (0-based), used when the header does not name the column; none = not in Spot's layout. */
  position?: number;
  /** The value may be empty (then NULL). */
  nullable?: boolean;
  /** The results-file column (SPEC §8) that holds this value, when its name differs. */
  fromResults?: string;
}

/** The columns of one analysis' ml_feedback.csv (SPEC §6). */
export interface FeedbackLayout {
  type: AnalysisType;
  /** In Spot's order: the header of a new file. */
  columns: readonly FeedbackColumn[];
  /** Name of the rating column. */
  rating: string;
  /** Columns of the analysis' results file, with the score last (SPEC §8), for `feedback --results FILE --row N`. */
  resultsColumns: readonly string[];
}

/** Columns the model reads: every column but the `ignored` ones. */
export function usedColumns(layout: FeedbackLayout): FeedbackColumn[] {
  return layout.columns.filter((c) => c.kind !== 'ignored');
}

export function columnNamed(layout: FeedbackLayout, name: string): FeedbackColumn | undefined {
  const wanted = name.trim().toLowerCase();
  return layout.columns.find((c) => c.name.toLowerCase() === wanted || c.aliases?.some((a) => a.toLowerCase() === wanted));
}
