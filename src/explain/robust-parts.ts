import { join } from 'node:path';
import { sqlString, type Engine } from '../engine/engine.js';
import { ROBUST_PARTS_FILE, type FeaturePart, type RobustParts } from '../scoring/robust/parts.js';
import { exists, type ScoredRun } from './run-files.js';

/** One term of the pair part P: a figure of the pair, the weight it enters P with, and their product. */
export interface PairTerm {
  name: 'peer rarity' | 'persistence' | 'volume' | 'regularity' | 'host fan-out';
  value: number;
  weight: number;
  part: number;
}

/** A reported event's robust surprise taken apart (robust_parts.parquet's row, explained). */
export interface RobustExplanation extends RobustParts {
  /** The unit the event was ranked in, in words. */
  unitText: string;
  /** P's terms, or null when the pair has no parts or they do not add up to the file's P. */
  pairTerms: PairTerm[] | null;
  /** A + P·initiated + host_odd: S unless feedback changed it. */
  partsSum: number;
}

/** Why an event has no robust explanation (the run has no parts file, or it is not this run's). */
export interface RobustMissing {
  robustNote: string;
}

export const isRobustRun = (run: ScoredRun) => run.summary.scoring === 'robust';

export const robustPartsFile = (run: ScoredRun) => join(run.dir, ROBUST_PARTS_FILE);

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * The rows of robust_parts.parquet for some ranks: a filtered scan (the file is in rank order, so only the
 * row groups holding them are read). Empty when the run has no such file.
 */
export async function readRobustParts(engine: Engine, run: ScoredRun, ranks: readonly number[]): Promise<Map<number, RobustParts>> {
  const out = new Map<number, RobustParts>();
  const file = robustPartsFile(run);
  if (ranks.length === 0 || !(await exists(file))) return out;
  const list = ranks.map((r) => String(Math.floor(r))).join(', ');
  const rows = await engine.rows(`SELECT * REPLACE (CAST(rank AS BIGINT) AS rank) FROM read_parquet(${sqlString(file)}) WHERE rank IN (${list})`);
  for (const r of rows) {
    const features = (Array.isArray(r.features) ? r.features : []) as Record<string, unknown>[];
    out.set(Number(r.rank), {
      rank: Number(r.rank),
      score: Number(r.score),
      unit: String(r.unit) as RobustParts['unit'],
      host: r.host === null ? null : String(r.host),
      peer: r.peer === null ? null : String(r.peer),
      initiated: Boolean(r.initiated),
      surprise: Number(r.surprise),
      rated: Boolean(r.rated),
      feature_part: Number(r.feature_part),
      features: features.map((f): FeaturePart => ({ name: String(f.name), value: f.value === null ? null : String(f.value), surprise: Number(f.surprise) })),
      peer_rarity: num(r.peer_rarity),
      rarity_weight: num(r.rarity_weight),
      persistence: num(r.persistence),
      volume: num(r.volume),
      routine: num(r.routine),
      regularity: num(r.regularity),
      fanout: num(r.fanout),
      pair_part: num(r.pair_part),
      host_odd: Number(r.host_odd),
    });
  }
  return out;
}

/**
 * P = (1 − routine)·B + r·(1 − routine)·(persistence + volume) + r·regularity + r·fan-out (combine in
 * scoring/robust/surprise.ts). The terms are shown only when they add up to the file's P, so a change of
 * that formula shows the figures without wrong products.
 */
export function pairTerms(p: RobustParts): PairTerm[] | null {
  const { peer_rarity: b, rarity_weight: r, persistence, volume, routine, regularity, fanout, pair_part: total } = p;
  if (b === null || r === null || persistence === null || volume === null || routine === null || regularity === null || fanout === null || total === null) return null;
  const fresh = 1 - routine;
  const term = (name: PairTerm['name'], value: number, weight: number): PairTerm => ({ name, value, weight, part: value * weight });
  const terms = [
    term('peer rarity', b, fresh),
    term('persistence', persistence, r * fresh),
    term('volume', volume, r * fresh),
    term('regularity', regularity, r),
    term('host fan-out', fanout, r),
  ];
  const sum = terms.reduce((s, t) => s + t.part, 0);
  return Math.abs(sum - total) <= 1e-9 * (1 + Math.abs(total)) ? terms : null;
}

function unitText(p: RobustParts): string {
  if (p.unit === 'combination') {
    return "Ranked as its own kind of event on this host: the host's events with this peer showing the same feature values, scored together.";
  }
  if (p.unit === 'pair') {
    return "Ranked with the host's other events it initiated with this peer: none of its feature values is odd for the host, so the pair's behaviour (P) scores it.";
  }
  return 'Nothing odd: no feature value is odd for the host and the host did not initiate it with this peer, so its surprise is 0.';
}

/** The parts explained; the score the results give the event must be the file's (else the file is another run's). */
export function explainRobust(p: RobustParts | undefined, score: number, rank: number, explained?: number): RobustExplanation | RobustMissing {
  if (!p && explained !== undefined && rank > explained) {
    return { robustNote: `the run explains its first ${explained} reported events (${ROBUST_PARTS_FILE}); this is #${rank}` };
  }
  if (!p) return { robustNote: `this run has no ${ROBUST_PARTS_FILE} row for the event (a run made before spot-ml wrote one)` };
  if (Math.abs(p.score - score) > 1e-12 + 1e-9 * Math.abs(score)) {
    return { robustNote: `${ROBUST_PARTS_FILE} does not match these results (its score ${p.score} against ${score}): it was written by another run` };
  }
  const partsSum = p.feature_part + (p.initiated ? (p.pair_part ?? 0) : 0) + p.host_odd;
  return { ...p, unitText: unitText(p), pairTerms: pairTerms(p), partsSum };
}
