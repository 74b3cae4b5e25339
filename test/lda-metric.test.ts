/**
 * When the LDA metric is computed (LdaParams.metricAt): the pipeline reads the last iteration's only; the other
 * iterations report NaN, skip the metric's logarithms, and the model is byte for byte the one fitted without a
 * reader or with the metric read every iteration (em and online, both kernel sets).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLda, metricOnLastIteration, metricText, type LdaParams } from '../src/lda/index.js';
import { randomCorpus } from './lda-corpora.js';

const bytes = (a: Float64Array | Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

for (const base of [
  { optimizer: 'em', alpha: 1.02, beta: 1.001 },
  { optimizer: 'online', alpha: 0.05, beta: 0.05 },
] as const) {
  for (const kernel of ['js', 'wasm'] as const) {
    test(`${base.optimizer} (${kernel}): the metric on the last iteration only, the model unchanged`, async () => {
      const c = randomCorpus(300, 80, 6, 0.1, 7);
      const p: LdaParams = { ...base, k: 7, maxIterations: 4, seed: 3, precision: 64, kernel, threads: 2 };
      const every: number[] = [];
      const last: number[] = [];
      const silent = await fitLda(c, p);
      const readEvery = await fitLda(c, { ...p, onIteration: (_i, _t, _n, m) => every.push(m) });
      const readLast = await fitLda(c, { ...p, onIteration: (_i, _t, _n, m) => last.push(m), metricAt: metricOnLastIteration });
      assert.equal(every.length, 4);
      assert.ok(every.every(Number.isFinite), String(every));
      assert.deepEqual(last.slice(0, 3).map(Number.isNaN), [true, true, true]);
      assert.equal(last[3], every[3]);
      for (const m of [readEvery, readLast]) {
        assert.ok(bytes(m.theta).equals(bytes(silent.theta)) && bytes(m.phi).equals(bytes(silent.phi)));
      }
    });
  }
}

test('metricText shows a computed metric and nothing for a skipped one', () => {
  assert.equal(metricText('logLikelihood', -1234.5), 'logLikelihood -1234.5000');
  assert.equal(metricText('logLikelihood', NaN), '');
});
