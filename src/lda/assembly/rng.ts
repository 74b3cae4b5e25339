// xoshiro128** keyed exactly as src/lda/random.ts's Rng (same bits, so the same draws as the JS kernels).

// The state is exported so that a hot loop can run the generator in locals (em.ts's emInit).
export let a: u32 = 0;
export let b: u32 = 0;
export let c: u32 = 0;
export let d: u32 = 0;
let spareNormal: f64 = 0;
let hasSpare = false;

// @ts-ignore: decorator
@inline function mix32(x: u32): u32 {
  x = (x ^ (x >>> 16)) * 0x85ebca6b;
  x = (x ^ (x >>> 13)) * 0xc2b2ae35;
  return x ^ (x >>> 16);
}

let seedHash: u32 = 0;
let splitState: u32 = 0;

// @ts-ignore: decorator
@inline function keyPart(part: u32): void {
  seedHash = mix32((seedHash ^ part) + 0x9e3779b9);
}

// @ts-ignore: decorator
@inline function splitNext(): u32 {
  splitState += 0x9e3779b9;
  return mix32(splitState);
}

function finishSeed(): void {
  splitState = seedHash;
  a = splitNext();
  b = splitNext();
  c = splitNext();
  d = splitNext() | 1;
  hasSpare = false;
}

/** The stream of Rng(k0, k1, k2, k3). */
export function seed4(k0: u32, k1: u32, k2: u32, k3: u32): void {
  seedHash = 0x9e3779b9;
  keyPart(k0);
  keyPart(k1);
  keyPart(k2);
  keyPart(k3);
  finishSeed();
}

/** The stream of Rng(k0, k1, k2, k3, k4). */
export function seed5(k0: u32, k1: u32, k2: u32, k3: u32, k4: u32): void {
  seedHash = 0x9e3779b9;
  keyPart(k0);
  keyPart(k1);
  keyPart(k2);
  keyPart(k3);
  keyPart(k4);
  finishSeed();
}

// @ts-ignore: decorator
@inline export function nextU32(): u32 {
  const result = rotl<u32>(b * 5, 7) * 9;
  const t = b << 9;
  c ^= a;
  d ^= b;
  b ^= c;
  a ^= d;
  c ^= t;
  d = rotl<u32>(d, 11);
  return result;
}

// @ts-ignore: decorator
@inline export function nextDouble(): f64 {
  const hi = <f64>(nextU32() >>> 5);
  const lo = <f64>(nextU32() >>> 6);
  return (hi * 67108864.0 + lo) / 9007199254740992.0;
}

function nextNormal(): f64 {
  if (hasSpare) {
    hasSpare = false;
    return spareNormal;
  }
  let u: f64;
  let v: f64;
  let s: f64;
  do {
    u = 2 * nextDouble() - 1;
    v = 2 * nextDouble() - 1;
    s = u * u + v * v;
  } while (s >= 1 || s == 0);
  const f = Math.sqrt((-2 * Math.log(s)) / s);
  spareNormal = v * f;
  hasSpare = true;
  return u * f;
}

/** Gamma(shape, scale) for shape >= 1 (Marsaglia & Tsang), as Rng.nextGamma. */
export function nextGamma(shape: f64, scale: f64): f64 {
  const dd = shape - 1.0 / 3.0;
  const cc = 1 / Math.sqrt(9 * dd);
  while (true) {
    let x: f64;
    let v: f64;
    do {
      x = nextNormal();
      v = 1 + cc * x;
    } while (v <= 0);
    v = v * v * v;
    const u = nextDouble();
    if (u < 1 - 0.0331 * x * x * x * x) return dd * v * scale;
    if (Math.log(u) < 0.5 * x * x + dd * (1 - v + Math.log(v))) return dd * v * scale;
  }
  return 0; // unreachable
}
