import { readFile, stat } from 'node:fs/promises';
import { sqlIdent, sqlString, type Engine } from '../engine/engine.js';
import { analysisFor } from '../pipeline/analyses.js';
import { exists, settingOf, type ScoredRun } from './run-files.js';

/** The columns of a results file, score last (SPEC §8). */
export function resultColumnsOf(run: ScoredRun): string[] {
  const cols = [...analysisFor(run.type).resultColumns];
  if (run.type === 'proxy' && !cols.includes('word')) cols.push('word');
  return [...cols, 'score'];
}

/**
 * A run's results and score distribution as engine tables, loaded once and again when the results file
 * changes (a re-score): `results` (rank, every results column as text, score DOUBLE) in file order, and
 * `percentiles` (score, pct): the share of the day's scored event slots scoring at most `score`.
 */
export class RunTables {
  readonly results: string;
  readonly percentiles: string;
  private loadedStamp = '';
  private hasPercentiles = false;
  /** The distinct pair scores, ascending, and the share (0..1) of event slots scoring at most each. */
  private pctScores = new Float64Array(0);
  private pctShares = new Float64Array(0);

  constructor(
    private readonly engine: Engine,
    readonly run: ScoredRun,
    id: string,
  ) {
    this.results = sqlIdent(`spot_console_${id}_results`);
    this.percentiles = sqlIdent(`spot_console_${id}_pct`);
  }

  /** Loads (or reloads) the tables; true when they were (re)loaded. */
  async ensure(): Promise<boolean> {
    const s = await stat(this.run.resultsFile);
    const stamp = `${s.ino}:${s.size}:${s.mtimeMs}`;
    if (stamp === this.loadedStamp) return false;
    const columns = resultColumnsOf(this.run);
    const { delimiter, header } = await this.csvShape(columns[0]);
    const spec = columns.map((c) => `${sqlString(c)}: ${c === 'score' ? "'DOUBLE'" : "'VARCHAR'"}`).join(', ');
    // CREATE TABLE AS keeps the file's order, so rowid + 1 is the rank (ties stay in input order); the rank is
    // stored, sorted, so a page's rows are found by it through the table's zone maps.
    const raw = sqlIdent(`${this.results.replaceAll('"', '')}_raw`);
    await this.engine.exec(`
      CREATE OR REPLACE TABLE ${raw} AS
      SELECT * FROM read_csv(${sqlString(this.run.resultsFile)}, delim = ${sqlString(delimiter)}, header = ${header},
        quote = '"', escape = '"', auto_detect = false, columns = {${spec}}, null_padding = false);
      CREATE OR REPLACE TABLE ${this.results} AS SELECT rowid + 1 AS rank, * FROM ${raw};
      DROP TABLE ${raw};`);
    // A robust score is its own percentile; corpus.parquet (absent from newer robust runs) holds Spot's pair scores.
    this.hasPercentiles = !this.robust && (await exists(this.run.corpusFile));
    if (this.hasPercentiles) {
      await this.engine.exec(`
        CREATE OR REPLACE TABLE ${this.percentiles} AS
        SELECT score, sum(n) OVER (ORDER BY score ROWS UNBOUNDED PRECEDING) / sum(n) OVER () AS pct
        FROM (SELECT score, sum(count) AS n FROM read_parquet(${sqlString(this.run.corpusFile)}) GROUP BY score)`);
      const [{ n }] = await this.engine.rows(`SELECT count(*) AS n FROM ${this.percentiles}`);
      this.pctScores = new Float64Array(Number(n));
      this.pctShares = new Float64Array(Number(n));
      let at = 0;
      await this.engine.streamColumns(`SELECT score, pct FROM ${this.percentiles} ORDER BY score`, (cols, rows) => {
        for (let i = 0; i < rows; i++, at++) {
          this.pctScores[at] = Number(cols[0][i]);
          this.pctShares[at] = Number(cols[1][i]);
        }
      });
    }
    this.loadedStamp = stamp;
    return true;
  }

  /** SQL: every result row with `rank` (1 = least probable). */
  ranked(): string {
    return this.results;
  }

  /**
   * A robust-mode score is the share of the day's events at least as suspicious, so the share of events
   * scoring at most it is the score itself: its percentile is 100 × score (corpus.parquet holds Spot's pair scores).
   */
  private get robust(): boolean {
    return this.run.summary.scoring === 'robust';
  }

  /** SQL: rows of `relation` (with `score`) plus `percentile` (0..100, NULL when the run has no corpus file); for whole exports. */
  withPercentile(relation: string): string {
    if (this.robust) return `(SELECT r.*, CASE WHEN r.score >= 0 THEN 100 * r.score END AS percentile FROM ${relation} r)`;
    if (!this.hasPercentiles) return `(SELECT r.*, CAST(NULL AS DOUBLE) AS percentile FROM ${relation} r)`;
    return `(SELECT r.*, 100 * coalesce(p.pct, 0) AS percentile FROM ${relation} r
      ASOF LEFT JOIN ${this.percentiles} p ON r.score * (1 + 1e-12) >= p.score)`;
  }

  /** The percentile (0..100) of a score among the day's scored event slots (binary search over the distinct scores). */
  percentileOf(score: number): number | null {
    if (this.robust) return score >= 0 ? 100 * score : null;
    if (!this.hasPercentiles) return null;
    const s = score * (1 + 1e-12);
    let lo = 0;
    let hi = this.pctScores.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.pctScores[mid] <= s) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : 100 * this.pctShares[lo - 1];
  }

  private async csvShape(firstColumn: string): Promise<{ delimiter: string; header: boolean }> {
    const recorded = settingOf(this.run, 'delimiter');
    const head = (await readFile(this.run.resultsFile, 'utf8').then((t) => t.slice(0, 65536))).split('\n', 1)[0];
    const delimiter = typeof recorded === 'string' ? recorded.replace('\\t', '\t') : head.includes('\t') ? '\t' : head.includes(',') ? ',' : '\t';
    const header = head.split(delimiter)[0].replace(/^"|"$/g, '') === firstColumn;
    return { delimiter, header };
  }
}
