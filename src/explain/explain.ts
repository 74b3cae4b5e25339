import type { Engine } from '../engine/engine.js';
import { decodeWord, type WordPart } from './decode.js';
import { eventSlots, type EventSlot } from './event-words.js';
import { resultColumnsOf, type RunTables } from './run-tables.js';
import { scoreParts, type ScoreParts } from './score-parts.js';
import { ipColumns } from './event-view.js';
import { explainRobust, isRobustRun, readRobustParts, type RobustExplanation, type RobustMissing } from './robust-parts.js';

export interface SlotExplanation extends EventSlot {
  parts: WordPart[];
  breakdown: ScoreParts | null;
  /** This slot gave the event its score (the event scores the smallest of its slots' scores). */
  scoring: boolean;
}

export interface EventExplanation {
  rank: number;
  type: string;
  fields: Record<string, string | null>;
  score: number;
  /** Share (0..100) of the day's scored event slots scoring at most this score. */
  percentile: number | null;
  slots: SlotExplanation[];
  /** The side that gave the event its score (flow: source or destination). */
  scoringSide: EventSlot['side'] | null;
  /** The event's IPs (its results columns holding IPs), for links. */
  ips: string[];
  scoring: 'spot' | 'robust';
  /** Robust runs: the parts of the event's surprise (robust_parts.parquet), or why there are none. */
  robust?: RobustExplanation | RobustMissing;
}

/**
 * Reported events by rank, explained: the row, and for a spot run each word decoded and each score taken
 * apart; a robust run fits no topic model, so its events are explained by their robust_parts.parquet rows.
 */
export async function explainEvents(engine: Engine, tables: RunTables, ranks: readonly number[]): Promise<EventExplanation[]> {
  if (ranks.length === 0) return [];
  const columns = resultColumnsOf(tables.run);
  const list = ranks.map((r) => String(Math.floor(r))).join(', ');
  const rows = await engine.rows(`SELECT * FROM ${tables.ranked()} WHERE rank IN (${list}) ORDER BY rank`);
  const fieldsOf = (row: Record<string, unknown>) => {
    const fields: Record<string, string | null> = {};
    for (const c of columns) if (c !== 'score') fields[c] = row[c] === null ? null : String(row[c]);
    return fields;
  };
  const ipsOf = (fields: Record<string, string | null>) => ipColumns(tables.run.type).flatMap((c) => (fields[c] ? [fields[c]] : []));
  if (isRobustRun(tables.run)) {
    const parts = await readRobustParts(engine, tables.run, rows.map((r) => Number(r.rank)));
    return rows.map((row) => {
      const rank = Number(row.rank);
      const fields = fieldsOf(row);
      const score = Number(row.score);
      return {
        rank,
        type: tables.run.type,
        fields,
        score,
        percentile: tables.percentileOf(score),
        slots: [],
        scoringSide: null,
        ips: ipsOf(fields),
        scoring: 'robust',
        robust: explainRobust(parts.get(rank), score, rank, tables.run.summary.explainedEvents),
      };
    });
  }
  const slotsByRank = await eventSlots(engine, tables, rows.map((r) => Number(r.rank)));
  const out: EventExplanation[] = [];
  for (const row of rows) {
    const rank = Number(row.rank);
    const fields = fieldsOf(row);
    const slots: SlotExplanation[] = [];
    for (const s of slotsByRank.get(rank) ?? []) {
      const breakdown = s.word ? await scoreParts(engine, tables.run, s.ip, s.word) : null;
      slots.push({ ...s, parts: s.word ? decodeWord(tables.run.type, s.word) : [], breakdown, scoring: false });
    }
    const scorer = slots.reduce<SlotExplanation | undefined>(
      (best, s) => (s.breakdown && (!best || s.breakdown.score < best.breakdown!.score) ? s : best),
      undefined,
    );
    if (scorer) scorer.scoring = true;
    out.push({
      rank,
      type: tables.run.type,
      fields,
      score: Number(row.score),
      percentile: tables.percentileOf(Number(row.score)),
      slots,
      scoringSide: scorer?.side ?? null,
      ips: ipsOf(fields),
      scoring: 'spot',
    });
  }
  return out;
}
