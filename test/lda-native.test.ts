/**
 * The native em kernel (src/lda/native/em.cc, issue 16 session 8): built and loaded on this machine (CI is a
 * machine like it, so a silently missing addon turns CI red), bit for bit the wasm kernel's model on random
 * corpora of several shapes, counts and thread counts, and the fallback to the wasm kernel when it is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitLda, metricOnLastIteration, type Corpus, type LdaModel, type LdaParams } from '../src/lda/index.js';
import { loadNativeEm, nativeEm, nativeEmStatus } from '../src/lda/em-native.js';
import { chooseKernel, laneStride, wasmKernels } from '../src/lda/wasm.js';
import { tileDocsFor } from '../src/lda/em-tiles.js';
import { emWasmArrays } from '../src/lda/em-wasm.js';
import { docBlocks, BLOCKS } from '../src/lda/partition.js';
import { corpusOf, randomCorpus } from './lda-corpora.js';
import { flowRowsSql, runCli, spotCheckRows, tempDir, writeParquet } from './helpers.js';

const em = { optimizer: 'em', alpha: 1.02, beta: 1.001, seed: 12345, precision: 64 } as const;

const bytes = (a: Float64Array | Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** The same corpus with every count mapped by `f`. */
function withCounts(c: Corpus, f: (count: number, i: number) => number): Corpus {
  return { ...c, counts: c.counts.map(f) };
}

/** Fits with `kernel`, the log-likelihood read on the last iteration only (so the native kernel runs the others). */
async function fit(c: Corpus, p: Omit<LdaParams, 'optimizer' | 'alpha' | 'beta' | 'seed' | 'precision'>, kernel: 'wasm' | 'native'): Promise<{ model: LdaModel; ll: number }> {
  let ll = NaN;
  const model = await fitLda(c, { ...em, ...p, kernel, onIteration: (_i, _t, _n, value) => (ll = value), metricAt: metricOnLastIteration });
  return { model, ll };
}

async function assertSameModel(c: Corpus, p: { k: number; maxIterations: number; threads?: number }, what: string): Promise<void> {
  const wasm = await fit(c, p, 'wasm');
  const native = await fit(c, p, 'native');
  assert.equal(wasm.model.kernel, 'wasm', what);
  assert.equal(native.model.kernel, 'native', what);
  assert.ok(bytes(native.model.theta).equals(bytes(wasm.model.theta)), `${what}: θ differs from the wasm kernel's`);
  assert.ok(bytes(native.model.phi).equals(bytes(wasm.model.phi)), `${what}: φ differs from the wasm kernel's`);
  assert.ok(Number.isFinite(wasm.ll), `${what}: no log-likelihood`);
  assert.equal(native.ll, wasm.ll, `${what}: the last iteration's log-likelihood differs`);
}

test('the native em kernel is built by npm run build and loaded here; auto chooses it', () => {
  const status = nativeEmStatus();
  assert.ok(status.loaded, `the native em kernel did not load: ${status.reason} (g++, make, python3 and Node's headers are needed at npm run build)`);
  if (process.arch === 'x64') assert.match(status.isa ?? '', /^(avx512|avx2|sse2)$/);
  assert.equal(chooseKernel('auto'), 'native');
  assert.equal(chooseKernel('native'), 'native');
  assert.equal(chooseKernel('wasm'), 'wasm');
});

for (const k of [1, 2, 7, 20, 64]) {
  test(`em, K = ${k}: the native kernel gives the wasm kernel's model bit for bit (empty documents, u16/f32/f64 counts, 1 and 2 threads)`, async () => {
    const base = randomCorpus(300, 150, 12, 0.1, k * 7 + 1);
    for (const [counts, c] of [
      ['u16', base],
      ['f32', withCounts(base, (x, i) => (i % 5 === 0 ? 70000 : x * 0.5))],
      ['f64', withCounts(base, (x) => x / 3)],
    ] as const) {
      for (const threads of [1, 2]) await assertSameModel(c, { k, maxIterations: 6, threads }, `${counts} counts, ${threads} thread(s)`);
    }
    const wide = randomCorpus(120, 1500, 40, 0.3, k + 5);
    await assertSameModel(wide, { k, maxIterations: 4, threads: 2 }, 'a wide vocabulary');
  });
}

test('em: the native kernel on a one-word vocabulary and on corpora of many tiles per block', async () => {
  const oneWord = corpusOf([[[0, 3]], [], [[0, 1]], [[0, 7]]], 1);
  for (const k of [1, 2, 7, 20]) await assertSameModel(oneWord, { k, maxIterations: 5 }, `one word, K = ${k}`);
  for (const k of [7, 20]) {
    const tileDocs = tileDocsFor(laneStride(k));
    const c = randomCorpus(tileDocs * 4 + 3, 400, 8, 0.05, 99 + k);
    await assertSameModel(c, { k, maxIterations: 4, threads: 2 }, `${c.numDocs} documents, K = ${k}`);
  }
});

test('em: the native kernel writes the tiles byte for byte as em-tiles.ts does (u16, f32 and f64 counts, many tiles, a wide vocabulary)', () => {
  const base = randomCorpus(tileDocsFor(20) * 3 + 17, 300, 10, 0.1, 5);
  const wide = randomCorpus(400, 5000, 6, 0.2, 6);
  for (const c of [base, withCounts(base, (x) => x * 0.25), withCounts(base, (x) => x / 7), wide]) {
    const memories = [false, true].map((native) => {
      const x = emWasmArrays(wasmKernels()!, c, 20, docBlocks(c.docStart, c.numDocs), native)!;
      for (let b = BLOCKS - 1; b >= 0; b--) x.fillBlock(b);
      return new Uint8Array(x.init.memory.buffer);
    });
    assert.equal(memories[0].length, memories[1].length);
    assert.ok(Buffer.from(memories[0]).equals(Buffer.from(memories[1])), `${c.numDocs} documents: the tiles differ`);
  }
});

test('em: the native kernel gives the same bytes with 1 and 2 threads and from run to run', async () => {
  const c = randomCorpus(3000, 500, 20, 0.05, 11);
  const p = { k: 20, maxIterations: 5 };
  const one = await fit(c, { ...p, threads: 1 }, 'native');
  for (let run = 0; run < 2; run++) {
    const two = await fit(c, { ...p, threads: 2 }, 'native');
    assert.ok(bytes(one.model.theta).equals(bytes(two.model.theta)) && bytes(one.model.phi).equals(bytes(two.model.phi)), `run ${run + 1}: 1 and 2 threads differ`);
    assert.equal(one.ll, two.ll);
  }
});

test('the fallback: a missing or broken addon leaves the wasm kernel, SPOT_ML_LDA_KERNEL=wasm forces it, an explicit native that cannot run is an error', async () => {
  const missing = loadNativeEm(new URL('file:///nonexistent/em-native.node'));
  assert.equal(missing.addon, null);
  assert.match(missing.reason, /Cannot find module|nonexistent/);
  const broken = loadNativeEm(new URL('../src/lda/lda.wasm', import.meta.url));
  assert.equal(broken.addon, null);
  assert.ok(broken.reason.length > 0);
  assert.equal(chooseKernel('auto', wasmKernels(), null), 'wasm');
  assert.equal(chooseKernel('auto', null, nativeEm()), 'js');
  assert.throws(() => chooseKernel('native', wasmKernels(), null), /native em kernel is unavailable here.*SPOT_ML_LDA_KERNEL=wasm/);
  assert.throws(() => chooseKernel('native', null, nativeEm()), /native em kernel is unavailable here \(the WebAssembly kernels/);
  const saved = process.env.SPOT_ML_LDA_KERNEL;
  const c = randomCorpus(200, 80, 8, 0.1, 3);
  try {
    process.env.SPOT_ML_LDA_KERNEL = 'wasm';
    assert.equal((await fitLda(c, { ...em, k: 5, maxIterations: 3 })).kernel, 'wasm');
    process.env.SPOT_ML_LDA_KERNEL = 'native';
    assert.equal((await fitLda(c, { ...em, k: 5, maxIterations: 3 })).kernel, 'native');
    // The online optimizer has no native kernel: a native request runs its wasm kernel.
    assert.equal((await fitLda(c, { optimizer: 'online', alpha: 0.1, beta: 0.1, seed: 1, precision: 64, k: 5, maxIterations: 1 })).kernel, 'wasm');
  } finally {
    if (saved === undefined) delete process.env.SPOT_ML_LDA_KERNEL;
    else process.env.SPOT_ML_LDA_KERNEL = saved;
  }
});

test("Spot's end-to-end flow check: the default (native) kernel's results are the wasm kernel's, byte for byte", async () => {
  const dir = tempDir();
  const input = join(dir, 'flows.parquet');
  await writeParquet(input, flowRowsSql(spotCheckRows));
  const results: Record<string, Buffer> = {};
  for (const kernel of ['auto', 'wasm']) {
    const scored = join(dir, kernel);
    const r = runCli(['--analysis', 'flow', '--input', input, '--scored', scored, '--threshold', '1', '--ldatopiccount', '20', '--ldaoptimizer', 'em'], {
      env: { SPOT_ML_LDA_KERNEL: kernel },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`LDA \\(${kernel === 'auto' ? 'native' : 'wasm'} kernels\\)`));
    results[kernel] = readFileSync(join(scored, 'flow_results.csv'));
  }
  assert.ok(results.auto.length > 0);
  assert.ok(results.auto.equals(results.wasm), 'flow_results.csv differs between the native and wasm kernels');
});
