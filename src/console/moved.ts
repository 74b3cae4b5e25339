import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readFile, realpath } from 'node:fs/promises';
import type { Engine } from '../engine/engine.js';
import { exists } from '../explain/run-files.js';
import type { DayState } from './day-state.js';
import { ipColumns, labelledFields, type LabelledField } from '../explain/event-view.js';
import { sqlIdent } from '../engine/engine.js';

export interface MovedEvent {
  rankBefore: number | null;
  rankAfter: number | null;
  fields: Record<string, string | null>;
  labelled: LabelledField[];
  rating: number | null;
}

export interface Moved {
  previous: 'history' | 'before re-score' | null;
  top: number;
  entered: MovedEvent[];
  left: MovedEvent[];
  rated: MovedEvent[];
  /** The other events of every rated IP, largest moves first. */
  ofRatedIps: MovedEvent[];
}

/**
 * The run before the current one: the newest other folder of issue 11's history (`<scored>.runs/`), else the
 * copy of the results the console kept when it started a re-score. Loads it as the day's previous table.
 */
export async function loadPreviousRun(day: DayState): Promise<Moved['previous']> {
  const runsDir = `${day.entry.scoredDir}.runs`;
  if (await exists(runsDir)) {
    const current = await realpath(day.entry.scoredDir).catch(() => resolve(day.entry.scoredDir));
    const names = (await readdir(runsDir)).sort();
    const others = names.filter((n) => resolve(runsDir, n) !== current && resolve(runsDir, n) < current);
    const prev = others.at(-1);
    const file = prev ? join(runsDir, prev, `${day.entry.type}_results.csv`) : undefined;
    if (file && (await exists(file))) {
      const first = (await readFile(file, 'utf8')).split('\n', 1)[0];
      const delimiter = first.includes('\t') ? '\t' : ',';
      await day.loadPrevious(file, first.split(delimiter)[0] === day.columns()[0], delimiter);
      return 'history';
    }
  }
  return day.hasPrevious ? 'before re-score' : null;
}

/** What moved between the previous run and the current one. */
export async function whatMoved(engine: Engine, day: DayState, top: number): Promise<Moved> {
  const previous = await loadPreviousRun(day);
  const empty = { previous, top, entered: [], left: [], rated: [], ofRatedIps: [] };
  if (!previous) return empty;
  const cols = day.columns().filter((c) => c !== 'score');
  const ips = ipColumns(day.entry.type).map(sqlIdent);
  const joined = `(SELECT c.*, p.rank AS rank_before, c.rank AS rank_after
      FROM (SELECT r.*, ${day.keyOfAll('r.')} AS k FROM ${day.ratedRows()} r) c LEFT JOIN ${day.previousTable} p ON p.k = c.k)`;
  const pick = async (where: string, order: string, limit = 100): Promise<MovedEvent[]> => {
    const rows = await engine.rows(`SELECT * FROM ${joined} WHERE ${where} ORDER BY ${order} LIMIT ${limit}`);
    return rows.map((r) => toMoved(r, cols, day));
  };
  const entered = await pick(`rank_after <= ${top} AND (rank_before IS NULL OR rank_before > ${top})`, 'rank_after');
  const rated = await pick('rating IS NOT NULL', 'rank_after');
  const ratedIps = `(SELECT DISTINCT ip FROM (${ips.map((c) => `SELECT ${c} AS ip FROM ${joined} WHERE rating IS NOT NULL`).join(' UNION ')}))`;
  const ofRatedIps = await pick(
    `rating IS NULL AND (${ips.map((c) => `${c} IN ${ratedIps}`).join(' OR ')})`,
    'abs(coalesce(rank_after, 0) - coalesce(rank_before, 0)) DESC, rank_after',
    50,
  );
  // Events that left the top N: in the previous top N, and now lower or gone.
  const leftRows = await engine.rows(`
    SELECT p.rank AS rank_before, c.rank_after, p.k FROM ${day.previousTable} p
    LEFT JOIN (SELECT rank AS rank_after, ${day.keyOfAll('')} AS k FROM ${day.tables.ranked()}) c ON c.k = p.k
    WHERE p.rank <= ${top} AND (c.rank_after IS NULL OR c.rank_after > ${top}) ORDER BY p.rank LIMIT 100`);
  const left = leftRows.map((r) => {
    const parts = String(r.k).split('\u0001');
    const fields: Record<string, string | null> = {};
    cols.filter((c) => c !== 'word').forEach((c, i) => (fields[c] = parts[i] ?? null));
    const labelled = labelledFields(day.entry.type, fields);
    return { rankBefore: Number(r.rank_before), rankAfter: r.rank_after === null ? null : Number(r.rank_after), fields, labelled, rating: null };
  });
  return { previous, top, entered, left, rated, ofRatedIps };
}

function toMoved(r: Record<string, unknown>, cols: string[], day: DayState): MovedEvent {
  const fields: Record<string, string | null> = {};
  for (const c of cols) fields[c] = r[c] === null || r[c] === undefined ? null : String(r[c]);
  return {
    rankBefore: r.rank_before === null ? null : Number(r.rank_before),
    rankAfter: r.rank_after === null ? null : Number(r.rank_after),
    fields,
    labelled: labelledFields(day.entry.type, fields),
    rating: r.rating === null ? null : Number(r.rating),
  };
}
