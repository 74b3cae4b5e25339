/**
 * Deterministic pseudo-random numbers in SQL for the synthetic days: the same row index and stream
 * always give the same value, so generated days are reproducible and can be made at any size by the
 * engine itself (no per-row JavaScript).
 */

import { sqlList } from '../engine/engine.js';

/** Uniform in [0, 1) for row `i`, independent per `stream`. */
export const uniform = (i: string, stream: number) => `((hash(${i}, ${stream}) % 1000000007) / 1000000007.0)`;

/** Standard normal (Box-Muller) for row `i`. */
export const normal = (i: string, stream: number) =>
  `(sqrt(-2 * ln(1 - ${uniform(i, stream)})) * cos(2 * pi() * ${uniform(i, stream + 1000)}))`;

/** Integer in [0, n) for row `i`. */
export const pick = (i: string, stream: number, n: number | string) => `CAST(floor(${uniform(i, stream)} * (${n})) AS INTEGER)`;

/** An IPv4 address text from an integer (a.b.c.d with a fixed first octet block). */
export const ipFromInt = (prefix: string, n: string) =>
  `'${prefix}' || CAST((${n} // 65536) % 256 AS VARCHAR) || '.' || CAST((${n} // 256) % 256 AS VARCHAR) || '.' || CAST(${n} % 256 AS VARCHAR)`;

/** Hour of day following a daytime rhythm: `dayShare` of events in 8..18, the rest anywhere. */
export const rhythmicHour = (i: string, stream: number, dayShare: number) =>
  `CASE WHEN ${uniform(i, stream)} < ${dayShare} THEN 8 + ${pick(i, stream + 1, 11)} ELSE ${pick(i, stream + 2, 24)} END`;


/** One of `items`, uniformly, for row `i`. */
export const choose = (items: readonly string[], i: string, stream: number) => `${sqlList(items)}[1 + ${pick(i, stream, items.length)}]`;
