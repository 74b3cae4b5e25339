import { join } from 'node:path';
import { sqlDouble, sqlIdent, type Engine } from '../engine/engine.js';
import type { AnalysisType } from '../pipeline/analysis.js';
import { writeAtomically } from './atomic.js';

export interface ResultsOptions {
  threshold: number;
  maxResults: number;
  delimiter: string;
  header: boolean;
}

export function resultsPath(scoredDir: string, type: AnalysisType): string {
  return join(scoredDir, `${type}_results.csv`);
}

/**
 * Writes `<scored>/<type>_results.csv` (SPEC §8): events with -1 < score <= threshold, ascending by
 * score, ties in input order (file, then row), at most maxResults when it is positive.
 */
export async function writeResults(
  engine: Engine,
  scoredSql: string,
  resultColumns: readonly string[],
  path: string,
  options: ResultsOptions,
): Promise<number> {
  const limit = options.maxResults > 0 ? `LIMIT ${Math.floor(options.maxResults)}` : '';
  const sql = `SELECT ${[...resultColumns.map(sqlIdent), 'score'].join(', ')} FROM (${scoredSql})
    WHERE score > -1 AND score <= ${sqlDouble(options.threshold)}
    ORDER BY score, spot_file, spot_row ${limit}`;
  return writeAtomically(path, (tmp) =>
    engine.writeCsv(sql, tmp, { delimiter: options.delimiter, header: options.header }),
  );
}
