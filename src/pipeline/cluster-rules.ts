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

export interface ClusterRules {
  /** SQL over the type's table: the event is clean (SPEC §3); never NULL. */
  clean: string;
  /** Per word slot (the analysis' wordSlots order), SQL of the slot's word; NULL when it cannot be formed. */
  words: readonly string[];
  /** Columns whose ClickHouse type must be an integer for these rules to give the embedded words. */
  integerColumns: readonly string[];
  /** Parts of the words computed here once per distinct value of a column, joined by the shards (at most one). */
  lookups?: readonly ClusterLookup[];
}

/** Word parts of the distinct values of an event column, computed by the coordinator's DuckDB. */
export interface ClusterLookup {
  /** The event column (text). */
  column: string;
  /** Names of the parts (text columns the words' SQL reads). */
  parts: readonly string[];
  /** DuckDB SQL giving (value, ...parts) for the values of the column in `values` (a relation with spot_clean). */
  build(engine: Engine, options: AnalysisOptions, values: string): Promise<string>;
}

const RULES: Partial<Record<AnalysisType, (d: SqlDialect) => ClusterRules>> = {
  flow: (d) => ({
    clean: flowCleanSql(d),
    words: [flowWordSql(d, 1), flowWordSql(d, 2)],
    integerColumns: ['sport', 'dport', 'trhour', 'ibyt', 'ipkt'],
  }),
  dns: dnsClusterRules,
};

export function clusterRules(type: AnalysisType, d: SqlDialect): ClusterRules {
  const rules = RULES[type];
  if (!rules) throw new SpotError(`--engine clickhouse runs the flow and dns analyses only so far; run ${type} with the embedded engine (--engine duckdb)`);
  return rules(d);
}
