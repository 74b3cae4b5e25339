/**
 * Seeded pseudo-random numbers in SQL for the labelled benchmark days: the same (row, stream, seed) always
 * gives the same value, and another seed gives another day.
 */
import { sqlList } from '../../src/engine/engine.js';

export interface Rand {
  seed: number;
  /** Uniform in [0, 1). */
  u(i: string, stream: number): string;
  /** Integer in [0, n). */
  int(i: string, stream: number, n: number | string): string;
  /** Standard normal. */
  normal(i: string, stream: number): string;
  /** One of `items`. */
  choose(items: readonly string[], i: string, stream: number): string;
  /** A number fixed by the seed alone (attack hosts, addresses, sizes): in [0, n). */
  fixed(stream: number, n: number): number;
}

export function rand(seed: number): Rand {
  const u = (i: string, stream: number) => `((hash(${i}, ${stream}, ${seed}) % 1000000007) / 1000000007.0)`;
  const int = (i: string, stream: number, n: number | string) => `CAST(floor(${u(i, stream)} * (${n})) AS BIGINT)`;
  let state = (seed * 2654435761) >>> 0;
  const fixedValues = new Map<number, number>();
  return {
    seed,
    u,
    int,
    normal: (i, stream) => `(sqrt(-2 * ln(1 - ${u(i, stream)})) * cos(2 * pi() * ${u(i, stream + 5000)}))`,
    choose: (items, i, stream) => `${sqlList(items)}[1 + ${int(i, stream, items.length)}]`,
    fixed(stream, n) {
      if (!fixedValues.has(stream)) {
        // xorshift over the seed and the stream: deterministic, independent of call order.
        let x = (state ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0;
        for (let r = 0; r < 4; r++) {
          x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
        }
        fixedValues.set(stream, x / 2 ** 32);
      }
      return Math.floor(fixedValues.get(stream)! * n);
    },
  };
}

/** A public-looking IPv4 address for integer n under `salt` (SQL). */
export const publicIp = (n: string, salt: number) =>
  `CAST(11 + hash(${n}, ${salt}, 1) % 180 AS VARCHAR) || '.' || CAST(hash(${n}, ${salt}, 2) % 256 AS VARCHAR) || '.' || ` +
  `CAST(hash(${n}, ${salt}, 3) % 256 AS VARCHAR) || '.' || CAST(1 + hash(${n}, ${salt}, 4) % 254 AS VARCHAR)`;

/** Internal workstation n: 10.1.x.y (SQL). */
export const workstation = (n: string) => `'10.1.' || CAST((${n} // 250) % 250 AS VARCHAR) || '.' || CAST(1 + ${n} % 250 AS VARCHAR)`;

/** A lowercase pronounceable-ish label for integer n (SQL), for benign names. */
export const label = (n: string, salt: number) =>
  `(['cloud','data','app','net','sync','link','hub','soft','media','shop','mail','zen','sky','blue','nova','core','byte','wave'])` +
  `[1 + CAST(hash(${n}, ${salt}, 5) % 18 AS BIGINT)] || (['ly','io','works','base','point','ware','labs','desk','flow','stack','go','run'])[1 + CAST(hash(${n}, ${salt}, 6) % 12 AS BIGINT)]`;
