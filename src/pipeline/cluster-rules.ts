/**
 * What the shards compute per event for an analysis, in the cluster's SQL: the validity rule and the
 * words of each slot (the same texts as the embedded rules give). Analyses without cluster rules are
 * refused by the cluster run.
 */
import type { SqlDialect } from '../engine/dialect.js';
import { SpotError } from '../common/errors.js';
import { flowCleanSql, flowWordSql } from '../flow/words-dialect.js';
import type { AnalysisType } from './analysis.js';

export interface ClusterRules {
  /** SQL over the type's table: the event is clean (SPEC §3); never NULL. */
  clean: string;
  /** Per word slot (the analysis' wordSlots order), SQL of the slot's word; NULL when it cannot be formed. */
  words: readonly string[];
  /** Columns whose ClickHouse type must be an integer for these rules to give the embedded words. */
  integerColumns: readonly string[];
}

const RULES: Partial<Record<AnalysisType, (d: SqlDialect) => ClusterRules>> = {
  flow: (d) => ({
    clean: flowCleanSql(d),
    words: [flowWordSql(d, 1), flowWordSql(d, 2)],
    integerColumns: ['sport', 'dport', 'trhour', 'ibyt', 'ipkt'],
  }),
};

export function clusterRules(type: AnalysisType, d: SqlDialect): ClusterRules {
  const rules = RULES[type];
  if (!rules) throw new SpotError(`--engine clickhouse runs the flow analysis only so far; run ${type} with the embedded engine (--engine duckdb)`);
  return rules(d);
}
