import type { Engine } from '../engine/engine.js';

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
   * Defines the view `featured_view` over the relation `input_view` (clean rows only are featurised):
   * all input columns plus the word columns named by `wordSlots` (NULL = the word cannot be formed).
   * DNS and proxy build per-distinct-value feature tables here first.
   */
  featurize(engine: Engine, options: AnalysisOptions): Promise<void>;
  /** The words of an event and the documents they go to; flow has two, dns and proxy one. */
  wordSlots: readonly WordSlot[];
}
