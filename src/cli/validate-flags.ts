import { access, constants, stat } from 'node:fs/promises';
import { SpotError } from '../common/errors.js';

/**
 * Range checks of every analysis and LDA setting, run before any input is read (issue 11, defect 10).
 * Each check names the setting as the user gave it (`--ldaalpha`, `LDA_ALPHA in spot.conf`, `THRESHOLD`),
 * and throws a SpotError (exit 2).
 */
export const LIMITS = {
  maxTopics: 1000,
  maxIterations: 100_000,
  /** α and β above this make every topic mix (nearly) uniform and every score 0. */
  maxConcentration: 1000,
  maxThreads: 256,
  maxDupFactor: 1_000_000,
  minMemoryBytes: 64 * 1024 ** 2,
};

interface Range {
  integer?: boolean;
  min?: number;
  max?: number;
  /** The value must be greater than this. */
  above?: number;
}

export function checkNumber(label: string, value: number, range: Range = {}): number {
  if (!Number.isFinite(value)) throw new SpotError(`${label} must be a finite number, got ${value}`);
  if (range.integer && !Number.isSafeInteger(value))
    throw new SpotError(`${label} must be a whole number between ${-Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}, got ${value}`);
  if (range.above !== undefined && !(value > range.above)) throw new SpotError(`${label} must be greater than ${range.above}, got ${value}`);
  if (range.min !== undefined && value < range.min) throw new SpotError(`${label} must be at least ${range.min}, got ${value}`);
  if (range.max !== undefined && value > range.max) throw new SpotError(`${label} must be at most ${range.max}, got ${value}`);
  return value;
}

/** -1 (no limit) or a whole number from 1; 0 is refused rather than meaning "unlimited" as it silently did. */
export function checkMaxResults(label: string, value: number): number {
  checkNumber(label, value, { integer: true, min: -1 });
  if (value === 0) throw new SpotError(`${label} must be -1 (no limit) or at least 1, got 0`);
  return value;
}

export interface LdaSettings {
  k: number;
  optimizer: string;
  maxIterations: number;
  alpha: number;
  beta: number;
  seed: number;
}

/** The LDA settings' ranges; `label` maps a setting to how the user named it. */
export function checkLdaSettings(s: LdaSettings, label: (setting: keyof LdaSettings) => string): void {
  if (s.optimizer !== 'em' && s.optimizer !== 'online')
    throw new SpotError(`${label('optimizer')} must be em or online, got "${s.optimizer}"`);
  checkNumber(label('k'), s.k, { integer: true, min: 1, max: LIMITS.maxTopics });
  checkNumber(label('maxIterations'), s.maxIterations, { integer: true, min: 1, max: LIMITS.maxIterations });
  checkNumber(label('seed'), s.seed, { integer: true });
  // Spark's EM optimizer is a MAP estimate: it needs α > 1 and β > 1; online accepts any positive value.
  const needed = s.optimizer === 'em' ? 1 : 0;
  const why = s.optimizer === 'em' ? ' (the em optimizer needs alpha > 1 and beta > 1; online takes any positive value)' : '';
  for (const [key, value] of [['alpha', s.alpha], ['beta', s.beta]] as const) {
    checkNumber(label(key), value, {});
    if (!(value > needed)) throw new SpotError(`${label(key)} must be greater than ${needed}, got ${value}${why}`);
    checkNumber(label(key), value, { max: LIMITS.maxConcentration });
  }
}

export function checkThreads(label: string, value: number | undefined): void {
  if (value !== undefined) checkNumber(label, value, { integer: true, min: 1, max: LIMITS.maxThreads });
}

/**
 * One results delimiter character (`\t` accepted for tab); a quote or a line break would make the
 * results file unreadable, so they are refused.
 */
export function parseDelimiter(label: string, text: string): string {
  const value = text === '\\t' ? '\t' : text;
  if ([...value].length !== 1 || value.length !== 1) throw new SpotError(`${label} must be one character, got ${JSON.stringify(text)}`);
  if (value === '"' || value === '\r' || value === '\n')
    throw new SpotError(`${label} cannot be a quote or a line break, got ${JSON.stringify(text)}`);
  return value;
}

const UNITS: Record<string, number> = {
  b: 1, byte: 1, bytes: 1,
  kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12,
  k: 1e3, m: 1e6, g: 1e9, t: 1e12,
  kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4,
};

/**
 * A memory size as DuckDB writes it (`1.5GiB`, `500MB`, `2 GB`, `1TB`; KB/MB/GB/TB are powers of 1000,
 * KiB/MiB/GiB/TiB of 1024), at least 64 MiB. Returns it normalised for DuckDB, in whole KiB.
 */
export function parseMemoryLimit(label: string, text: string): string {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2].toLowerCase() || 'b'] : undefined;
  if (!m || unit === undefined)
    throw new SpotError(`${label} must be a size such as 1.5GiB, 800MB or 4GB (units KB MB GB TB, KiB MiB GiB TiB), got ${JSON.stringify(text)}`);
  const bytes = Number(m[1]) * unit;
  if (!Number.isFinite(bytes) || bytes < LIMITS.minMemoryBytes)
    throw new SpotError(`${label} must be at least 64MiB, got ${JSON.stringify(text)}`);
  return `${Math.floor(bytes / 1024)}KiB`;
}

/** A path that is to be a folder: either absent (it will be created) or a folder (or a link to one). */
export async function checkFolderPath(label: string, path: string): Promise<void> {
  const found = await stat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw new SpotError(`${label} ${path}: ${err.message}`);
  });
  if (found && !found.isDirectory()) throw new SpotError(`${label} ${path} exists and is not a folder`);
}

/** A file that is to be read: it exists and is a regular file (or a link to one). */
export async function checkReadableFile(label: string, path: string): Promise<void> {
  const found = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new SpotError(err.code === 'ENOENT' ? `${label} ${path}: no such file` : `${label} ${path}: ${err.message}`);
  });
  if (!found.isFile()) throw new SpotError(`${label} ${path} is not a file`);
  await access(path, constants.R_OK).catch(() => {
    throw new SpotError(`${label} ${path}: not readable (permission denied)`);
  });
}
