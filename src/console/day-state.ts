import { readFile, stat } from 'node:fs/promises';
import { sqlIdent, sqlString, type Engine } from '../engine/engine.js';
import { feedbackLayoutFor } from '../feedback/layouts.js';
import type { FeedbackLayout } from '../feedback/layout.js';
import { eventKeyColumns, ratingsOf } from '../feedback/rate.js';
import { openRun, type ScoredRun } from '../explain/run-files.js';
import { RunTables, resultColumnsOf } from '../explain/run-tables.js';
import type { DayEntry } from './catalog.js';

/** What the console keeps of one day and type: its run's tables and its ratings, reloaded when their files change. */
export class DayState {
  tables!: RunTables;
  readonly layout: FeedbackLayout;
  readonly ratingsTable: string;
  /** (rank, rating) of the rated events among the results, rebuilt when the results or the ratings change. */
  readonly ratedRanksTable: string;
  private ratedRanksStamp = '';
  private ratingsStamp = '';
  private ratingCount = 0;
  /** A copy of the results taken before a re-score, to show what moved. */
  readonly previousTable: string;
  hasPrevious = false;

  constructor(
    private readonly engine: Engine,
    readonly entry: DayEntry,
    readonly id: string,
  ) {
    this.layout = feedbackLayoutFor(entry.type);
    this.ratingsTable = sqlIdent(`spot_console_${id}_ratings`);
    this.ratedRanksTable = sqlIdent(`spot_console_${id}_rated_ranks`);
    this.previousTable = sqlIdent(`spot_console_${id}_previous`);
  }

  get run(): ScoredRun {
    return this.tables.run;
  }

  /** Opens the run (again when its summary or results changed) and loads the ratings. */
  async refresh(): Promise<void> {
    const run = await openRun(this.entry.scoredDir, this.entry.type);
    if (!this.tables || JSON.stringify(this.tables.run.summary) !== JSON.stringify(run.summary)) {
      this.tables = new RunTables(this.engine, run, this.id);
    }
    const reloaded = await this.tables.ensure();
    const ratingsChanged = await this.loadRatings();
    if (reloaded || ratingsChanged || this.ratedRanksStamp === '') {
      await this.engine.exec(`CREATE OR REPLACE TABLE ${this.ratedRanksTable} AS
        SELECT r.rank, f.rating FROM ${this.tables.ranked()} r JOIN ${this.ratingsTable} f ON f.key = ${this.keyExpr('r.')}`);
      this.ratedRanksStamp = 'loaded';
    }
  }

  get rated(): number {
    return this.ratingCount;
  }

  /** SQL over a results relation `r`: the key the feedback file identifies the event by (eventKey). */
  keyExpr(alias = ''): string {
    const byName = new Map(this.layout.columns.map((c) => [c.name, c.fromResults ?? c.name]));
    const cols = eventKeyColumns(this.layout).map((n) => `trim(coalesce(${alias}${sqlIdent(byName.get(n)!)}, ''))`);
    return `concat_ws(chr(1), ${cols.join(', ')})`;
  }

  /** SQL: every result row with rank, rating (1..3 or NULL) and the columns of the results. */
  ratedRows(): string {
    if (this.ratingCount === 0) return `(SELECT r.*, CAST(NULL AS INTEGER) AS rating FROM ${this.tables.ranked()} r)`;
    return `(SELECT r.*, f.rating FROM ${this.tables.ranked()} r LEFT JOIN ${this.ratedRanksTable} f USING (rank))`;
  }

  columns(): string[] {
    return resultColumnsOf(this.run);
  }

  async feedbackText(): Promise<string | undefined> {
    return readFile(this.entry.feedbackFile, 'utf8').catch(() => undefined);
  }

  /** Reads the feedback file when it changed; true when it did. */
  private async loadRatings(): Promise<boolean> {
    const s = await stat(this.entry.feedbackFile).catch(() => undefined);
    const stamp = s ? `${s.ino}:${s.size}:${s.mtimeMs}` : 'none';
    if (stamp === this.ratingsStamp) return false;
    const ratings = ratingsOf(await this.feedbackText(), this.layout);
    const keys = [...ratings.keys()];
    await this.engine.createTable(this.ratingsTable.replaceAll('"', ''), [
      { name: 'key', type: 'VARCHAR', values: keys },
      { name: 'rating', type: 'INTEGER', values: Int32Array.from(keys.map((k) => ratings.get(k)!)) },
    ]);
    this.ratingCount = keys.length;
    this.ratingsStamp = stamp;
    return true;
  }

  /** Keeps the current results as the previous run's (before a re-score replaces them). */
  async keepAsPrevious(): Promise<void> {
    await this.engine.exec(`CREATE OR REPLACE TABLE ${this.previousTable} AS SELECT rank, ${this.keyOfAll('')} AS k FROM ${this.tables.ranked()}`);
    this.hasPrevious = true;
  }

  /** SQL: an event's identity across runs: all its result columns but the score. */
  keyOfAll(alias: string): string {
    const cols = this.columns().filter((c) => c !== 'score' && c !== 'word');
    return `concat_ws(chr(1), ${cols.map((c) => `coalesce(${alias}${sqlIdent(c)}, '')`).join(', ')})`;
  }

  /** Loads a results file of an earlier run (issue 11's history) as the previous run. */
  async loadPrevious(resultsFile: string, header: boolean, delimiter: string): Promise<void> {
    const columns = this.columns();
    const spec = columns.map((c) => `${sqlString(c)}: ${c === 'score' ? "'DOUBLE'" : "'VARCHAR'"}`).join(', ');
    const raw = sqlIdent(`spot_console_${this.id}_previous_raw`);
    await this.engine.exec(`
      CREATE OR REPLACE TABLE ${raw} AS SELECT * FROM read_csv(${sqlString(resultsFile)},
        delim = ${sqlString(delimiter)}, header = ${header}, quote = '"', escape = '"', auto_detect = false, columns = {${spec}});
      CREATE OR REPLACE TABLE ${this.previousTable} AS SELECT rowid + 1 AS rank, ${this.keyOfAll('')} AS k FROM ${raw};
      DROP TABLE ${raw};`);
    this.hasPrevious = true;
  }
}
