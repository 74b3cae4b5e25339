/**
 * What the shards compute per event for an analysis, in the cluster's SQL: the validity rule and the
 * words of each slot (the same texts as the embedded rules give). Analyses without cluster rules are
 * refused by the cluster run.
 */
import type { SqlDialect } from '../engine/dialect.js';
import { SpotError } from '../common/errors.js';
import { flowCleanSql, flowWordSql } from '../flow/words-dialect.js';
import type { Engine } from '../engine/engine.js';
import type { AnalysisOptions, AnalysisType } from './analysis.js';
import { dnsClusterRules } from '../dns/cluster.js';
import { proxyClusterRules } from '../proxy/cluster.js';

export interface ClusterRules {
  /** SQL over the type's table: the event is clean (SPEC §3); never NULL. */
  clean: string;
  /** Per word slot (the analysis' wordSlots order), SQL of the slot's word; NULL when it cannot be formed. */
  words: readonly string[];
  /** Columns whose ClickHouse type must be an integer for these rules to give the embedded words. */
  integerColumns: readonly string[];
  /** Parts of the words computed here once per distinct value of a column, joined by the shards (at most one). */
  lookups?: readonly ClusterLookup[];
  /** Parts from day-wide counts per value. */
  counts?: readonly ClusterCount[];
}

/** Word parts of the distinct values of some event columns (text), computed by the coordinator's DuckDB. */
export interface ClusterLookup {
  /** The event columns the parts depend on (the join key). */
  columns: readonly string[];
  /** Names of the parts (text columns the words' SQL reads). */
  parts: readonly string[];
  /** DuckDB SQL giving (...columns, ...parts) for the distinct rows of `values` (a relation with spot_clean). */
  build(engine: Engine, options: AnalysisOptions, values: string): Promise<string>;
}

/**
 * A word part from a day-wide count per value (few values, such as user agents): counted on the shards,
 * turned into the part's text here, and written into the shards' SQL as a map. `localTable` is the
 * embedded featurize's table of the counts, which the coordinator fills with the day's counts.
 */
export interface ClusterCount {
  /** The token the words' SQL uses for the part. */
  name: string;
  /** ClickHouse SQL of the counted value (text, never NULL). */
  value: string;
  /** The embedded featurize's table (value, count) and its columns. */
  localTable: string;
  localColumns: readonly [string, string];
  /** DuckDB SQL of the part's text from the count `n`. */
  text(n: string): string;
}

const RULES: Partial<Record<AnalysisType, (d: SqlDialect) => ClusterRules>> = {
  flow: (d) => ({
    clean: flowCleanSql(d),
    words: [flowWordSql(d, 1), flowWordSql(d, 2)],
    integerColumns: ['sport', 'dport', 'trhour', 'ibyt', 'ipkt'],
  }),
  dns: dnsClusterRules,
  proxy: proxyClusterRules,
};

export function clusterRules(type: AnalysisType, d: SqlDialect): ClusterRules {
  const rules = RULES[type];
  if (!rules) throw new SpotError(`--engine clickhouse has no rules for ${type}; run it with the embedded engine (--engine duckdb)`);
  return rules(d);
}
