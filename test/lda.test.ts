import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLda, type Corpus, type LdaModel, type LdaParams } from '../src/lda/index.js';
import { Rng } from '../src/lda/random.js';
import { digamma, trigamma } from '../src/lda/special.js';
import { corpusOf, type Doc } from './lda-corpora.js';

/** P(w | doc) = Σ_k θ[doc][k] · φ[k][w]. */
function prob(m: LdaModel, doc: number, word: number): number {
  let s = 0;
  for (let k = 0; k < m.k; k++) s += m.theta[doc * m.k + k] * m.phi[word * m.k + k];
  return s;
}

function randomCorpus(numDocs: number, numWords: number, perDoc: number, seed: number): Corpus {
  const rng = new Rng(seed);
  const docs: Doc[] = [];
  for (let d = 0; d < numDocs; d++) {
    const words = new Set<number>();
    // Skewed word choice so that there is some structure to find.
    const n = 1 + rng.nextInt(2 * perDoc - 1);
    while (words.size < n) words.add(Math.floor(numWords * Math.pow(rng.nextDouble(), 2)));
    docs.push([...words].sort((a, b) => a - b).map((w) => [w, 1 + rng.nextInt(20)]));
  }
  return corpusOf(docs, numWords);
}

function bytes(a: Float64Array | Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function assertIdentical(a: LdaModel, b: LdaModel): void {
  assert.ok(bytes(a.theta).equals(bytes(b.theta)), 'theta differs');
  assert.ok(bytes(a.phi).equals(bytes(b.phi)), 'phi differs');
}

const em = { optimizer: 'em', alpha: 1.02, beta: 1.001, seed: 12345 } as const;
const online = { optimizer: 'online', alpha: 0.0009, beta: 0.00001, seed: 12345 } as const;
const catDog = corpusOf([[[0, 1], [1, 999]]], 2);
const catAndDog = corpusOf([[[0, 1]], [[1, 1]]], 2);
// SPEC §8: doc A = {w0: 1, w1: 9}, doc B = {w2: 1, w3: 9}.
const endToEnd = corpusOf([[[0, 1], [1, 9]], [[2, 1], [3, 9]]], 4);

for (const precision of [64, 32] as const) {
  for (const [base, iterations] of [
    [em, { oneDoc: 20, twoDocs: 100, endToEnd: 20 }],
    [online, { oneDoc: 400, twoDocs: 400, endToEnd: 200 }],
  ] as const) {
    const name = `${base.optimizer} ${precision}-bit`;

    test(`${name}: one document cat×1 dog×999`, async () => {
      const m = await fitLda(catDog, { ...base, k: 2, maxIterations: iterations.oneDoc, precision });
      assert.ok(m.theta instanceof (precision === 32 ? Float32Array : Float64Array));
      assert.ok(prob(m, 0, 0) < 0.01, `P(cat) = ${prob(m, 0, 0)}`);
      assert.ok(Math.abs(prob(m, 0, 1) - 0.999) < 0.01, `P(dog) = ${prob(m, 0, 1)}`);
    });

    test(`${name}: two documents cat×1 / dog×1`, async () => {
      const m = await fitLda(catAndDog, { ...base, k: 2, maxIterations: iterations.twoDocs, precision });
      assert.ok(Math.abs(prob(m, 0, 0) - 1) < 0.01, `P(cat|doc0) = ${prob(m, 0, 0)}`);
      assert.ok(Math.abs(prob(m, 1, 1) - 1) < 0.01, `P(dog|doc1) = ${prob(m, 1, 1)}`);
    });

    test(`${name}: SPEC §8 end-to-end corpus with K = 20`, async () => {
      const m = await fitLda(endToEnd, { ...base, k: 20, maxIterations: iterations.endToEnd, precision });
      for (const [doc, rare, common] of [
        [0, 0, 1],
        [1, 2, 3],
      ]) {
        assert.ok(Math.abs(prob(m, doc, rare) - 0.1) <= 0.01, `P(w${rare}|doc${doc}) = ${prob(m, doc, rare)}`);
        assert.ok(Math.abs(prob(m, doc, common) - 0.9) <= 0.01, `P(w${common}|doc${doc}) = ${prob(m, doc, common)}`);
      }
    });
  }
}

test('em rejects alpha <= 1 and beta <= 1 with a clear message', async () => {
  await assert.rejects(
    fitLda(catDog, { ...em, alpha: 0.5, k: 2, maxIterations: 5, precision: 64 }),
    /em optimizer requires alpha > 1 and beta > 1 \(got alpha 0\.5, beta 1\.001\)/,
  );
  await assert.rejects(
    fitLda(catDog, { ...em, beta: 1, k: 2, maxIterations: 5, precision: 64 }),
    /em optimizer requires alpha > 1 and beta > 1 \(got alpha 1\.02, beta 1\)/,
  );
});

test('parameter validation', async () => {
  const ok: LdaParams = { ...em, k: 2, maxIterations: 5, precision: 64 };
  await assert.rejects(fitLda(catDog, { ...ok, k: 0 }), /number of topics must be an integer >= 1, got 0/);
  await assert.rejects(fitLda(catDog, { ...ok, maxIterations: 0 }), /max iterations must be an integer >= 1, got 0/);
  await assert.rejects(fitLda(catDog, { ...ok, threads: 0 }), /threads must be an integer >= 1/);
  await assert.rejects(fitLda(catDog, { ...ok, seed: 1.5 }), /seed must be an integer/);
  await assert.rejects(fitLda(catDog, { ...ok, optimizer: 'online', alpha: 0 }), /alpha .* must be a finite number > 0, got 0/);
  await assert.rejects(fitLda(catDog, { ...ok, precision: 16 as 32 }), /precision must be 32 or 64/);
  await assert.rejects(fitLda(corpusOf([[[2, 1]]], 2), ok), /word id 2 outside \[0, 2\)/);
  await assert.rejects(fitLda(corpusOf([[]], 2), ok), /corpus is empty/);
});

test('onIteration reports every iteration', async () => {
  for (const base of [em, online]) {
    const seen: [number, number, string][] = [];
    await fitLda(endToEnd, {
      ...base,
      k: 3,
      maxIterations: 4,
      precision: 64,
      onIteration: (i, total, name, metric) => {
        assert.ok(Number.isFinite(metric), `${name} = ${metric}`);
        seen.push([i, total, name]);
      },
    });
    const name = base.optimizer === 'em' ? 'logLikelihood' : 'perplexity';
    assert.deepEqual(seen, [1, 2, 3, 4].map((i) => [i, 4, name]));
  }
});

test('em log-likelihood does not decrease', async () => {
  const lls: number[] = [];
  await fitLda(randomCorpus(200, 50, 8, 7), { ...em, k: 5, maxIterations: 15, precision: 64, onIteration: (_i, _t, _n, ll) => lls.push(ll) });
  for (let i = 1; i < lls.length; i++) assert.ok(lls[i] >= lls[i - 1] - 1e-6 * Math.abs(lls[i - 1]), `${lls}`);
});

test('documents without words get an all-zero mix', async () => {
  const c = corpusOf([[[0, 3]], [], [[1, 2]]], 2);
  for (const base of [em, online]) {
    const m = await fitLda(c, { ...base, k: 2, maxIterations: 5, precision: 64 });
    assert.deepEqual([...m.theta.subarray(2, 4)], [0, 0]);
    assert.ok(Math.abs(m.theta[0] + m.theta[1] - 1) < 1e-12);
  }
});

test('same seed, same model; another seed, another model', async () => {
  const c = randomCorpus(300, 80, 10, 3);
  for (const base of [em, online]) {
    const p = { ...base, k: 5, maxIterations: 3, precision: 64 } as const;
    const a = await fitLda(c, p);
    const b = await fitLda(c, p);
    assertIdentical(a, b);
    const other = await fitLda(c, { ...p, seed: 999 });
    assert.ok(!bytes(a.phi).equals(bytes(other.phi)));
  }
});

test('bitwise identical results with 1 and 2 threads', async () => {
  const c = randomCorpus(3000, 500, 20, 11);
  assert.ok(c.docStart[c.numDocs] > 50_000);
  for (const [base, maxIterations] of [
    [em, 10],
    [online, 2],
  ] as const) {
    for (const precision of [64, 32] as const) {
      const p = { ...base, k: 10, maxIterations, precision };
      const one = await fitLda(c, { ...p, threads: 1 });
      const two = await fitLda(c, { ...p, threads: 2 });
      assertIdentical(one, two);
    }
  }
});

test('theta and phi are distributions', async () => {
  const c = randomCorpus(100, 40, 6, 5);
  for (const base of [em, online]) {
    const m = await fitLda(c, { ...base, k: 4, maxIterations: 3, precision: 64 });
    for (let d = 0; d < m.numDocs; d++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += m.theta[d * 4 + k];
      assert.ok(Math.abs(s - 1) < 1e-9);
    }
    for (let k = 0; k < 4; k++) {
      let s = 0;
      for (let w = 0; w < m.numWords; w++) s += m.phi[w * 4 + k];
      assert.ok(Math.abs(s - 1) < 1e-9);
    }
  }
});

test('digamma and trigamma', () => {
  const eulerGamma = 0.5772156649015329;
  assert.ok(Math.abs(digamma(1) + eulerGamma) < 1e-13);
  assert.ok(Math.abs(digamma(0.5) - (-eulerGamma - 2 * Math.LN2)) < 1e-13);
  assert.ok(Math.abs(digamma(100) - 4.600161852738087) < 1e-13);
  assert.ok(Math.abs(digamma(0.001) - -1000.5755719318103) < 1e-9);
  assert.ok(Math.abs(trigamma(1) - Math.PI ** 2 / 6) < 1e-13);
  assert.ok(Math.abs(trigamma(0.5) - Math.PI ** 2 / 2) < 1e-12);
  assert.ok(Math.abs(trigamma(50) - 0.020201333226697) < 1e-14);
});

test('gamma sampler has the right mean and variance', () => {
  const rng = new Rng(42);
  for (const shape of [100, 2, 0.3]) {
    let s = 0;
    let s2 = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const x = rng.nextGamma(shape, 1 / shape);
      s += x;
      s2 += x * x;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    assert.ok(Math.abs(mean - 1) < 0.02, `shape ${shape}: mean ${mean}`);
    assert.ok(Math.abs(variance - 1 / shape) < 0.05 / shape, `shape ${shape}: variance ${variance}`);
  }
});
