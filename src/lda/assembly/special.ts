// ψ over f64x2 lanes (src/lda/special.ts's digamma, with the recurrence's sum Σ 1/(x + j) kept as one fraction).

/** ψ(x) per lane, x > 0. */
export function digamma2(x: v128): v128 {
  const ten = f64x2.splat(10);
  const one = f64x2.splat(1);
  let p = f64x2.splat(0);
  let q = one;
  let low = f64x2.lt(x, ten);
  while (v128.any_true(low)) {
    // p/q + 1/x = (p·x + q) / (q·x), lanes already at x >= 10 unchanged.
    p = v128.bitselect(f64x2.add(f64x2.mul(p, x), q), p, low);
    q = v128.bitselect(f64x2.mul(q, x), q, low);
    x = v128.bitselect(f64x2.add(x, one), x, low);
    low = f64x2.lt(x, ten);
  }
  const r = f64x2.neg(f64x2.div(p, q));
  const logX = f64x2.replace_lane(f64x2.splat(Math.log(f64x2.extract_lane(x, 0))), 1, Math.log(f64x2.extract_lane(x, 1)));
  const inv = f64x2.div(one, x);
  const f = f64x2.mul(inv, inv);
  // Asymptotic series: ln x − 1/(2x) − f·(1/12 − f·(1/120 − f·(1/252 − f·(1/240 − f·(1/132 − f·691/32760))))).
  let s = f64x2.splat(691.0 / 32760.0);
  s = f64x2.sub(f64x2.splat(1.0 / 132.0), f64x2.mul(f, s));
  s = f64x2.sub(f64x2.splat(1.0 / 240.0), f64x2.mul(f, s));
  s = f64x2.sub(f64x2.splat(1.0 / 252.0), f64x2.mul(f, s));
  s = f64x2.sub(f64x2.splat(1.0 / 120.0), f64x2.mul(f, s));
  s = f64x2.sub(f64x2.splat(1.0 / 12.0), f64x2.mul(f, s));
  return f64x2.sub(f64x2.sub(f64x2.add(r, logX), f64x2.mul(f64x2.splat(0.5), inv)), f64x2.mul(f, s));
}

/** ψ(x) for one x > 0. */
export function digamma(x: f64): f64 {
  return f64x2.extract_lane(digamma2(f64x2.splat(x)), 0);
}

/** e^x per lane. */
// @ts-ignore: decorator
@inline export function exp2lanes(x: v128): v128 {
  return f64x2.replace_lane(f64x2.splat(Math.exp(f64x2.extract_lane(x, 0))), 1, Math.exp(f64x2.extract_lane(x, 1)));
}
