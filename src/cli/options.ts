import { Option } from 'commander';
import { SpotError } from '../common/errors.js';

export function parseNumber(flag: string, opts: { integer?: boolean; min?: number; exclusiveMin?: number } = {}) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || Number.isNaN(n)) throw new SpotError(`${flag} expects a number, got "${value}"`);
    if (opts.integer && !Number.isInteger(n)) throw new SpotError(`${flag} expects a whole number, got "${value}"`);
    if (opts.min !== undefined && n < opts.min) throw new SpotError(`${flag} must be at least ${opts.min}, got ${value}`);
    if (opts.exclusiveMin !== undefined && n <= opts.exclusiveMin)
      throw new SpotError(`${flag} must be greater than ${opts.exclusiveMin}, got ${value}`);
    return n;
  };
}

export const DEFAULTS = {
  threshold: 1e-6,
  maxResults: -1,
  topics: 20,
  iterations: 20,
  alpha: 1.02,
  beta: 1.001,
  seed: 12345,
  precision: 64 as 32 | 64,
  optimizer: 'em' as 'em' | 'online',
  dupFactor: 1000,
  delimiter: '\t',
};

/** The LDA flags shared by the analyses and the `lda` subcommand (Spot's names). */
export function ldaOptions(): Option[] {
  return [
    new Option('--ldatopiccount <K>', 'number of topics').default(DEFAULTS.topics).argParser(parseNumber('--ldatopiccount', { integer: true, min: 1 })),
    new Option('--ldaoptimizer <name>', 'LDA optimizer').choices(['em', 'online']).default(DEFAULTS.optimizer),
    new Option('--ldamaxiterations <N>', 'LDA iterations').default(DEFAULTS.iterations).argParser(parseNumber('--ldamaxiterations', { integer: true, min: 1 })),
    new Option('--ldaalpha <A>', 'document concentration α (em needs > 1)').default(DEFAULTS.alpha).argParser(parseNumber('--ldaalpha', { exclusiveMin: 0 })),
    new Option('--ldabeta <B>', 'topic concentration β (em needs > 1)').default(DEFAULTS.beta).argParser(parseNumber('--ldabeta', { exclusiveMin: 0 })),
    new Option('--prgseed <N>', 'random seed: same input and seed give identical output').default(DEFAULTS.seed).argParser(parseNumber('--prgseed', { integer: true })),
    new Option('--precision <bits>', 'precision of stored document topic mixes').choices(['32', '64']).default('64'),
    new Option('--threads <N>', 'worker threads for LDA and the engine (default: all cores)').argParser(parseNumber('--threads', { integer: true, min: 1 })),
  ];
}
