/** Special functions for variational inference (arguments are positive reals). */

/** ψ(x), the digamma function, for x > 0. */
export function digamma(x: number): number {
  let r = 0;
  while (x < 10) {
    r -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  // Asymptotic series: ln x − 1/(2x) − Σ B2n / (2n x^2n).
  return (
    r +
    Math.log(x) -
    0.5 / x -
    f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132 - f * (691 / 32760))))))
  );
}

/** ψ'(x), the trigamma function, for x > 0. */
export function trigamma(x: number): number {
  let r = 0;
  while (x < 10) {
    r += 1 / (x * x);
    x += 1;
  }
  const f = 1 / (x * x);
  // Asymptotic series: 1/x + 1/(2x²) + Σ B2n / x^(2n+1).
  return r + 1 / x + f / 2 + (f / x) * (1 / 6 - f * (1 / 30 - f * (1 / 42 - f * (1 / 30 - f * (5 / 66)))));
}
