/**
 * The wasm EM kernel's tiled corpus (src/lda/em-tiles.ts): corpora spanning many tiles per block, empty
 * documents at tile edges, a long document and a word met in every tile give the reference's model within
 * 1e-9 and the same bytes on 1 and 2 threads; the log-likelihood (summed per tile) agrees with the
 * reference's every iteration.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLda, type Corpus, type LdaParams } from '../src/lda/index.js';
import { Rng } from '../src/lda/random.js';
import { laneStride } from '../src/lda/wasm.js';
import { tileDocsFor } from '../src/lda/em-tiles.js';
import { corpusOf } from './lda-corpora.js';

const em = { optimizer: 'em', alpha: 1.02, beta: 1.001, seed: 12345, precision: 64 } as const;

/** Documents with word 0 in most, every tileDocs-th document empty, one document of every word. */
function tiledCorpus(numDocs: number, numWords: number, tileDocs: number, seed: number): Corpus {
  const rng = new Rng(seed, 5);
  const docs: [number, number][][] = [];
  for (let d = 0; d < numDocs; d++) {
    if (d % tileDocs === 0 || d % tileDocs === tileDocs - 1) {
      docs.push([]);
      continue;
    }
    if (d === 7) {
      docs.push(Array.from({ length: numWords }, (_, w) => [w, 1 + (w % 3)]));
      continue;
    }
    const words = new Set<number>([0]);
    const n = 1 + rng.nextInt(15);
    while (words.size < n) words.add(Math.floor(numWords * rng.nextDouble() ** 2));
    docs.push([...words].sort((a, b) => a - b).map((w) => [w, rng.nextDouble() < 0.8 ? 1 : 2 + rng.nextInt(5)]));
  }
  return corpusOf(docs, numWords);
}

function worstRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const scale = Math.max(Math.abs(a[i]), Math.abs(b[i]));
    const diff = Math.abs(a[i] - b[i]);
    if (diff === 0 || (scale < 1e-6 && diff <= 1e-15)) continue;
    worst = Math.max(worst, diff / scale);
  }
  return worst;
}

const bytes = (a: Float64Array | Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

for (const k of [7, 20, 64]) {
  test(`em, K = ${k}: a corpus of many tiles per block agrees with the reference and is the same on 1 and 2 threads`, async () => {
    const tileDocs = tileDocsFor(laneStride(k));
    const c = tiledCorpus(tileDocs * 5 + 3, 300, tileDocs, k);
    const lls: Record<string, number[]> = { js: [], wasm: [] };
    const fit = (kernel: 'js' | 'wasm', threads: number) =>
      fitLda(c, { ...em, k, maxIterations: 6, kernel, threads, onIteration: threads === 2 ? (_i, _t, _n, ll) => lls[kernel].push(ll) : undefined });
    const js = await fit('js', 2);
    const one = await fit('wasm', 1);
    const two = await fit('wasm', 2);
    assert.equal(two.kernel, 'wasm');
    const theta = worstRelative(js.theta, two.theta);
    const phi = worstRelative(js.phi, two.phi);
    assert.ok(theta <= 1e-9 && phi <= 1e-9, `θ ${theta}, φ ${phi}`);
    assert.ok(bytes(one.theta).equals(bytes(two.theta)) && bytes(one.phi).equals(bytes(two.phi)), '1 and 2 threads differ');
    assert.equal(lls.wasm.length, 6);
    for (let i = 0; i < 6; i++) {
      assert.ok(Math.abs(lls.wasm[i] - lls.js[i]) <= 1e-12 * Math.abs(lls.js[i]), `iteration ${i + 1}: ${lls.wasm[i]} vs ${lls.js[i]}`);
    }
  });
}

test('em: the likelihood is only computed when read, and reading it does not change the model', async () => {
  const c = tiledCorpus(2000, 200, 100, 3);
  const p: LdaParams = { ...em, k: 20, maxIterations: 4, kernel: 'wasm', threads: 2 };
  const silent = await fitLda(c, p);
  const read: number[] = [];
  const heard = await fitLda(c, { ...p, onIteration: (_i, _t, name, ll) => read.push(ll) });
  assert.ok(read.every((x) => Number.isFinite(x) && x < 0), String(read));
  assert.ok(bytes(silent.theta).equals(bytes(heard.theta)) && bytes(silent.phi).equals(bytes(heard.phi)));
});

for (const [storage, change] of [
  ['u16 (integers below 2^16)', (_x: number) => 0],
  ['f32 (integers past 2^16, halves)', (x: number) => (x === 1 ? 70000 : 0.5)],
  ['f64 (not exactly f32)', (_x: number) => 0.1],
] as const) {
  test(`em: counts stored as ${storage} in the tiles give the reference's model within 1e-9, the same on 1 and 2 threads`, async () => {
    const c = tiledCorpus(1200, 150, 100, 9);
    for (let i = 0; i < c.counts.length; i += 3) c.counts[i] += change(i % 2);
    const p: LdaParams = { ...em, k: 20, maxIterations: 5, threads: 2 };
    const js = await fitLda(c, { ...p, kernel: 'js' });
    const wasm = await fitLda(c, { ...p, kernel: 'wasm' });
    const one = await fitLda(c, { ...p, kernel: 'wasm', threads: 1 });
    const theta = worstRelative(js.theta, wasm.theta);
    const phi = worstRelative(js.phi, wasm.phi);
    assert.ok(theta <= 1e-9 && phi <= 1e-9, `θ ${theta}, φ ${phi}`);
    assert.ok(bytes(one.theta).equals(bytes(wasm.theta)) && bytes(one.phi).equals(bytes(wasm.phi)), '1 and 2 threads differ');
  });
}
