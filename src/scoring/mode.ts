import { SpotError } from '../common/errors.js';

/** How events are scored: Spot's LDA word probability, or the robust score (src/scoring/robust). */
export type ScoringMode = 'spot' | 'robust';
export const SCORING_MODES: readonly ScoringMode[] = ['spot', 'robust'];

export function parseScoringMode(value: string, source = '--scoring'): ScoringMode {
  const v = value.trim().toLowerCase();
  if (v === 'spot' || v === 'robust') return v;
  throw new SpotError(`${source} must be spot or robust, got "${value}"`);
}
