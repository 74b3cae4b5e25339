/**
 * The WebAssembly SIMD kernels against the JavaScript reference kernels (issue 16): agreement within the
 * stated tolerance on random corpora of several shapes and on Spot's LDA checks, determinism over 1 and
 * 2 threads, and the fallback to the JavaScript kernels.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitLda, type Corpus, type LdaModel, type LdaParams } from '../src/lda/index.js';
import { chooseKernel, compileKernels, requestedKernel, wasmKernels } from '../src/lda/wasm.js';
import { corpusOf, randomCorpus } from './lda-corpora.js';
import { checkSpotScores, flowRowsSql, query, runCli, spotCheckRows, tempDir, writeParquet } from './helpers.js';

/**
 * Stated tolerance: every θ and φ entry within 1e-9 relative; a probability below 1e-6 may instead be
 * within 1e-15 absolute (such entries carry the rounding of the whole distribution they belong to).
 */
const TOLERANCE = 1e-9;
const TINY = 1e-6;
const TINY_ABSOLUTE = 1e-15;

const em = { optimizer: 'em', alpha: 1.02, beta: 1.001, seed: 12345 } as const;
const online = { optimizer: 'online', alpha: 0.05, beta: 0.05, seed: 12345 } as const;

function worstRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    const scale = Math.max(Math.abs(a[i]), Math.abs(b[i]));
    const diff = Math.abs(a[i] - b[i]);
    if (scale < TINY && diff <= TINY_ABSOLUTE) continue;
    worst = Math.max(worst, diff / scale);
  }
  return worst;
}

function assertAgree(js: LdaModel, wasm: LdaModel, what: string): void {
  assert.equal(js.kernel, 'js', what);
  assert.equal(wasm.kernel, 'wasm', what);
  const theta = worstRelative(js.theta, wasm.theta);
  const phi = worstRelative(js.phi, wasm.phi);
  assert.ok(theta <= TOLERANCE && phi <= TOLERANCE, `${what}: worst relative difference θ ${theta}, φ ${phi}`);
}

function bytes(a: Float64Array | Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

const both = async (c: Corpus, p: LdaParams): Promise<[LdaModel, LdaModel]> => [
  await fitLda(c, { ...p, kernel: 'js' }),
  await fitLda(c, { ...p, kernel: 'wasm' }),
];

test('this runtime has the WebAssembly SIMD kernels (built by npm run build)', () => {
  assert.ok(wasmKernels(), 'dist/src/lda/lda.wasm missing or not valid here');
  assert.equal(chooseKernel('auto', wasmKernels(), null), 'wasm');
});

for (const [base, iterations] of [
  [em, 15],
  [online, 2],
] as const) {
  for (const k of [1, 2, 7, 20, 64]) {
    test(`${base.optimizer}, K = ${k}: wasm agrees with the JavaScript reference on random corpora with empty documents`, async () => {
      for (const [docs, words, perDoc, empty] of [
        [400, 120, 12, 0.1],
        [150, 1000, 40, 0.3],
      ] as const) {
        const c = randomCorpus(docs, words, perDoc, empty, k * 31 + docs);
        const [js, wasm] = await both(c, { ...base, k, maxIterations: iterations, precision: 64 });
        assertAgree(js, wasm, `${docs} docs × ${words} words`);
      }
    });
  }

  test(`${base.optimizer}: wasm agrees with the reference on a one-word vocabulary`, async () => {
    const c = corpusOf([[[0, 3]], [], [[0, 1]], [[0, 7]]], 1);
    for (const k of [1, 2, 7]) {
      const [js, wasm] = await both(c, { ...base, k, maxIterations: iterations, precision: 64 });
      assertAgree(js, wasm, `K = ${k}`);
      assert.deepEqual([...wasm.theta.subarray(k, 2 * k)], new Array(k).fill(0));
    }
  });

  test(`${base.optimizer}: the wasm kernels give byte-identical models with 1 and 2 threads and the same seed`, async () => {
    const c = randomCorpus(3000, 500, 20, 0.05, 11);
    const p = { ...base, k: 20, maxIterations: base.optimizer === 'em' ? 5 : 1, precision: 64, kernel: 'wasm' } as const;
    const one = await fitLda(c, { ...p, threads: 1 });
    const two = await fitLda(c, { ...p, threads: 2 });
    const again = await fitLda(c, { ...p, threads: 2 });
    for (const m of [two, again]) {
      assert.ok(bytes(one.theta).equals(bytes(m.theta)), 'theta differs');
      assert.ok(bytes(one.phi).equals(bytes(m.phi)), 'phi differs');
    }
  });
}

// Spot's LDA checks (test/lda.test.ts) at their iteration counts, with both kernels.
const catDog = corpusOf([[[0, 1], [1, 999]]], 2);
const catAndDog = corpusOf([[[0, 1]], [[1, 1]]], 2);
const endToEnd = corpusOf([[[0, 1], [1, 9]], [[2, 1], [3, 9]]], 4);
const spotOnline = { optimizer: 'online', alpha: 0.0009, beta: 0.00001, seed: 12345 } as const;
for (const [base, iterations] of [
  [em, { oneDoc: 20, twoDocs: 100, endToEnd: 20 }],
  [spotOnline, { oneDoc: 400, twoDocs: 400, endToEnd: 200 }],
] as const) {
  test(`${base.optimizer}: Spot's LDA checks give the same model within ${TOLERANCE} with either kernel`, async () => {
    for (const [name, c, k, maxIterations] of [
      ['cat×1 dog×999', catDog, 2, iterations.oneDoc],
      ['cat×1 / dog×1', catAndDog, 2, iterations.twoDocs],
      ['SPEC §8 end-to-end corpus', endToEnd, 20, iterations.endToEnd],
    ] as const) {
      const [js, wasm] = await both(c, { ...base, k, maxIterations, precision: 64 });
      assertAgree(js, wasm, name);
    }
  });
}

test('the kernel switch: SPOT_ML_LDA_KERNEL, and the fallback to JavaScript where the wasm kernels cannot run', async () => {
  // A runtime without SIMD128 fails to validate lda.wasm, as this one fails a truncated copy of it:
  // compileKernels gives null and auto falls back to the JavaScript kernels.
  const built = readFileSync(new URL('../src/lda/lda.wasm', import.meta.url));
  assert.ok(compileKernels(new Uint8Array(built)) !== null);
  assert.ok(compileKernels(new Uint8Array(built.subarray(0, built.length >> 1))) === null);
  assert.equal(chooseKernel('auto', null), 'js');
  assert.equal(chooseKernel('js'), 'js');
  assert.throws(() => chooseKernel('wasm', null), /WebAssembly LDA kernels are unavailable.*SPOT_ML_LDA_KERNEL=js/);
  const saved = process.env.SPOT_ML_LDA_KERNEL;
  try {
    process.env.SPOT_ML_LDA_KERNEL = 'js';
    assert.equal(requestedKernel(), 'js');
    const m = await fitLda(endToEnd, { ...em, k: 3, maxIterations: 3, precision: 64 });
    assert.equal(m.kernel, 'js');
    process.env.SPOT_ML_LDA_KERNEL = 'simd';
    assert.throws(() => requestedKernel(), /SPOT_ML_LDA_KERNEL must be js, wasm, native or auto, got "simd"/);
    delete process.env.SPOT_ML_LDA_KERNEL;
    // auto: the native em kernel where its addon is built (test/lda-native.test.ts), else wasm.
    assert.match((await fitLda(endToEnd, { ...em, k: 3, maxIterations: 3, precision: 64 })).kernel ?? '', /^(native|wasm)$/);
  } finally {
    if (saved === undefined) delete process.env.SPOT_ML_LDA_KERNEL;
    else process.env.SPOT_ML_LDA_KERNEL = saved;
  }
});

test("Spot's end-to-end flow check passes with either kernel, and the saved models agree within the tolerance", async () => {
  const dir = tempDir();
  const input = join(dir, 'flows.parquet');
  await writeParquet(input, flowRowsSql(spotCheckRows));
  for (const optimizer of ['em', 'online']) {
    const extra = optimizer === 'online' ? ['--ldaalpha', '0.0009', '--ldabeta', '0.00001', '--ldamaxiterations', '200'] : [];
    for (const kernel of ['js', 'wasm']) {
      const scored = join(dir, `${optimizer}-${kernel}`);
      const r = runCli(['--analysis', 'flow', '--input', input, '--scored', scored, '--threshold', '1', '--ldatopiccount', '20', '--ldaoptimizer', optimizer, ...extra], {
        env: { SPOT_ML_LDA_KERNEL: kernel },
      });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`LDA \\(${kernel} kernels\\)`));
      checkSpotScores(join(scored, 'flow_results.csv'));
    }
    for (const file of ['document_topics.parquet', 'word_topics.parquet']) {
      const column = file.startsWith('document') ? 'topic_prob_mix' : 'topic_probs';
      const key = file.startsWith('document') ? 'document_name' : 'word_name';
      const model = (kernel: string) => `'${dir}/${optimizer}-${kernel}/model/${file}'`;
      const [row] = await query(`
        SELECT count(*) AS n,
               max(CASE WHEN greatest(abs(x), abs(y)) < ${TINY} AND abs(x - y) <= ${TINY_ABSOLUTE} THEN 0
                        ELSE abs(x - y) / greatest(abs(x), abs(y)) END) AS worst FROM (
          SELECT unnest(a.${column}) AS x, unnest(b.${column}) AS y FROM ${model('js')} a JOIN ${model('wasm')} b USING (${key}))`);
      assert.ok(Number(row.n) > 0, `${optimizer} ${file}: nothing compared`);
      assert.ok(Number(row.worst) <= TOLERANCE, `${optimizer} ${file}: worst relative difference ${row.worst}`);
    }
  }
});
