// ψ over f64x2 lanes (src/lda/special.ts's digamma, with the recurrence's sum Σ 1/(x + j) kept as one fraction).

/**
 * The recurrence ψ(x) = ψ(x + n) − Σ_{j<n} 1/(x + j) up to x + n >= 10, the sum kept as one fraction p/q
 * (no division per step). Returns x + n and leaves −p/q in `shift`.
 */
let shift: v128 = f64x2.splat(0);

function lift(x: v128): v128 {
  const ten = f64x2.splat(10);
  const one = f64x2.splat(1);
  let p = f64x2.splat(0);
  let q = one;
  let low = f64x2.lt(x, ten);
  while (v128.any_true(low)) {
    // p/q + 1/x = (p·x + q) / (q·x); lanes already at x >= 10 unchanged.
    p = v128.bitselect(f64x2.add(f64x2.mul(p, x), q), p, low);
    q = v128.bitselect(f64x2.mul(q, x), q, low);
    x = v128.bitselect(f64x2.add(x, one), x, low);
    low = f64x2.lt(x, ten);
  }
  shift = f64x2.neg(f64x2.div(p, q));
  return x;
}

/** ψ(x) − ln x for x >= 10: −1/(2x) − f·(1/12 − f·(1/120 − f·(1/252 − f·(1/240 − f·(1/132 − f·691/32760))))), f = 1/x². */
// @ts-ignore: decorator
@inline function tail(x: v128): v128 {
  const inv = f64x2.div(f64x2.splat(1), x);
  const f = f64x2.mul(inv, inv);
  let s = f64x2.splat(691.0 / 32760.0);
  s = f64x2.sub(f64x2.splat(1.0 / 132.0), f64x2.mul(f, s));
  s = f64x2.sub(f64x2.splat(1.0 / 240.0), f64x2.mul(f, s));
  s = f64x2.sub(f64x2.splat(1.0 / 252.0), f64x2.mul(f, s));
  s = f64x2.sub(f64x2.splat(1.0 / 120.0), f64x2.mul(f, s));
  s = f64x2.sub(f64x2.splat(1.0 / 12.0), f64x2.mul(f, s));
  return f64x2.neg(f64x2.add(f64x2.mul(f64x2.splat(0.5), inv), f64x2.mul(f, s)));
}

/** ψ(x) per lane, x > 0 (src/lda/special.ts's digamma). */
export function digamma2(x: v128): v128 {
  const y = lift(x);
  const logY = f64x2.replace_lane(f64x2.splat(Math.log(f64x2.extract_lane(y, 0))), 1, Math.log(f64x2.extract_lane(y, 1)));
  return f64x2.add(f64x2.add(shift, logY), tail(y));
}

/** ψ(x) for one x > 0. */
export function digamma(x: f64): f64 {
  return f64x2.extract_lane(digamma2(f64x2.splat(x)), 0);
}

/** exp(ψ(x) − c) per lane = y · exp(ψ(x) − ln y − c) with y = x lifted past 10: no logarithm at all. */
export function expDigammaMinus(x: v128, c: v128): v128 {
  const y = lift(x);
  return f64x2.mul(y, exp2(f64x2.sub(f64x2.add(shift, tail(y)), c)));
}

/**
 * e^x per lane: x = n·ln 2 + r (Cody–Waite), e^r by its Taylor series to r^13 (|r| <= ln2/2: error
 * below 2e-16), times 2^n built in two halves so that results down to the subnormal range come out.
 * Arguments are clamped to [−746, 709] (e^−746 rounds to 0; each half of n stays within the exponent range).
 */
// @ts-ignore: decorator
@inline export function exp2(x: v128): v128 {
  x = f64x2.pmin(f64x2.pmax(x, f64x2.splat(-746)), f64x2.splat(709));
  // n = round(x / ln 2) by the 1.5·2^52 trick: its low bits are n as an integer.
  const big = f64x2.add(f64x2.mul(x, f64x2.splat(1.4426950408889634)), f64x2.splat(6755399441055744.0));
  const n = f64x2.sub(big, f64x2.splat(6755399441055744.0));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(n, f64x2.splat(6.93147180369123816490e-1))), f64x2.mul(n, f64x2.splat(1.90821492927058770002e-10)));
  let p = f64x2.splat(1.0 / 6227020800.0);
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 479001600.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 39916800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 3628800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 362880.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 40320.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 5040.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 720.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 120.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 24.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 6.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  // 2^n = 2^h · 2^(n−h), h = trunc(n/2): each factor's exponent stays in range.
  const ni = i64x2.sub(big, f64x2.splat(6755399441055744.0));
  const h = i64x2.shr_s(ni, 1);
  const scaleA = i64x2.shl(i64x2.add(h, i64x2.splat(1023)), 52);
  const scaleB = i64x2.shl(i64x2.add(i64x2.sub(ni, h), i64x2.splat(1023)), 52);
  return f64x2.mul(f64x2.mul(p, scaleA), scaleB);
}

export let pairA: v128 = f64x2.splat(0);
export let pairB: v128 = f64x2.splat(0);

/**
 * expDigammaMinus of two vectors at once (pairA, pairB), their recurrences interleaved. All four lanes take
 * the same number of steps, enough for the smallest: the recurrence is exact for any number of steps, so
 * lanes that need fewer only end further past 10 (unless a lane is so large that its product could
 * overflow: then each vector goes its own masked way).
 */
export function expDigammaMinusPair(xa: v128, xb: v128, ca: v128, cb: v128): void {
  const lo = Math.min(Math.min(f64x2.extract_lane(xa, 0), f64x2.extract_lane(xa, 1)), Math.min(f64x2.extract_lane(xb, 0), f64x2.extract_lane(xb, 1)));
  const hi = Math.max(Math.max(f64x2.extract_lane(xa, 0), f64x2.extract_lane(xa, 1)), Math.max(f64x2.extract_lane(xb, 0), f64x2.extract_lane(xb, 1)));
  if (!(hi < 1e15) || !(lo > 0)) {
    pairA = expDigammaMinus(xa, ca);
    pairB = expDigammaMinus(xb, cb);
    return;
  }
  const one = f64x2.splat(1);
  let pa = f64x2.splat(0);
  let qa = one;
  let pb = pa;
  let qb = one;
  for (let n = lo < 10 ? <i32>Math.ceil(10 - lo) : 0; n > 0; n--) {
    pa = f64x2.add(f64x2.mul(pa, xa), qa);
    qa = f64x2.mul(qa, xa);
    xa = f64x2.add(xa, one);
    pb = f64x2.add(f64x2.mul(pb, xb), qb);
    qb = f64x2.mul(qb, xb);
    xb = f64x2.add(xb, one);
  }
  pairA = f64x2.mul(xa, exp2(f64x2.sub(f64x2.sub(tail(xa), f64x2.div(pa, qa)), ca)));
  pairB = f64x2.mul(xb, exp2(f64x2.sub(f64x2.sub(tail(xb), f64x2.div(pb, qb)), cb)));
}
