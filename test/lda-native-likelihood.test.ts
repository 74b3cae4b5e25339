/**
 * The native em kernel's likelihood iteration (issue 16, session 9): its log (src/lda/native/log.h, a copy of
 * AssemblyScript's Math.log) gives the bits of the wasm kernels' own Math.log on millions of values (random bit
 * patterns, subnormals, the table's and the polynomial's edges, specials), and every iteration's log-likelihood
 * of a native fit is the wasm kernel's, for several K, count widths and thread counts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLda, type Corpus, type LdaParams } from '../src/lda/index.js';
import { nativeEm } from '../src/lda/em-native.js';
import { instantiate, wasmKernels } from '../src/lda/wasm.js';
import { Rng } from '../src/lda/random.js';
import { corpusOf, randomCorpus } from './lda-corpora.js';

const HEAP = 65536;
const CHUNK = 1 << 20;

/** Math.log of lda.wasm over `values`, a chunk at a time, in a memory of its own. */
function wasmLogs(values: Float64Array): Float64Array {
  const pages = Math.ceil((HEAP + CHUNK * 8) / 65536);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const x = instantiate<{ mathLogs(at: number, n: number): void }>(wasmKernels()!, memory);
  const out = new Float64Array(values.length);
  for (let from = 0; from < values.length; from += CHUNK) {
    const n = Math.min(CHUNK, values.length - from);
    const view = new Float64Array(memory.buffer, HEAP, n);
    view.set(values.subarray(from, from + n));
    x.mathLogs(HEAP, n);
    out.set(view, from);
  }
  return out;
}

/** Values from 64-bit patterns: `count` of them, each from `pattern(rng)` as [high 32 bits, low 32 bits]. */
function fromBits(count: number, pattern: (rng: Rng, i: number) => [number, number]): Float64Array {
  const rng = new Rng(2026, 9);
  const words = new Uint32Array(count * 2);
  for (let i = 0; i < count; i++) {
    const [hi, lo] = pattern(rng, i);
    words[2 * i] = lo >>> 0;
    words[2 * i + 1] = hi >>> 0;
  }
  return new Float64Array(words.buffer);
}

const u32 = (rng: Rng) => Math.floor(rng.nextDouble() * 2 ** 32) >>> 0;

function valuesToCheck(): Float64Array {
  const parts: Float64Array[] = [];
  // Any positive pattern: every binary exponent, subnormals, infinity and NaNs among them.
  parts.push(fromBits(1_500_000, (rng) => [u32(rng) & 0x7fffffff, u32(rng)]));
  // Any pattern at all, negative ones included.
  parts.push(fromBits(200_000, (rng) => [u32(rng), u32(rng)]));
  // Subnormals.
  parts.push(fromBits(200_000, (rng) => [u32(rng) & 0x000fffff, u32(rng)]));
  // Near 1, where the polynomial path runs ([0x3FEE…, 0x3FF109…)) and just outside it.
  parts.push(fromBits(600_000, (rng) => [0x3fed0000 + (u32(rng) % 0x50000), u32(rng)]));
  // The likelihood's own ranges: sums of γ and Σ (N_d + α − 1), uniform in value over several decades.
  const rng = new Rng(7, 7);
  parts.push(Float64Array.from({ length: 600_000 }, () => 10 ** (rng.nextDouble() * 24 - 12)));
  parts.push(Float64Array.from({ length: 300_000 }, () => rng.nextDouble() * 1000));
  // Each table interval's edges (i = (ix − 0x3FE6…) >> 45 & 127) at several exponents, ± a few ulps, and the
  // polynomial path's bounds.
  const edges: [number, number][] = [];
  for (let e = -1100; e <= 1030; e += 7) {
    for (let m = 0; m < 128; m++) {
      const base = 0x3fe60000 + m * 0x2000 + e * 0x100000;
      for (const d of [-2, -1, 0, 1, 2]) edges.push([(base + (d < 0 ? -1 : 0)) | 0, d < 0 ? 2 ** 32 + d : d]);
    }
  }
  for (const hi of [0x3fee0000, 0x3ff10900]) for (const d of [-2, -1, 0, 1, 2]) edges.push([(hi + (d < 0 ? -1 : 0)) | 0, d < 0 ? 2 ** 32 + d : d]);
  parts.push(fromBits(edges.length, (_r, i) => edges[i]));
  // Specials.
  parts.push(Float64Array.from([0, -0, 1, -1, 2, 0.5, Infinity, -Infinity, NaN, Number.MIN_VALUE, Number.MAX_VALUE, 2 ** -1022, 2 ** -1074 * 3, Math.E]));
  const all = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

test('the native log gives the bits of the wasm kernels\' Math.log on millions of values', () => {
  const addon = nativeEm();
  assert.ok(addon, 'the native em kernel is not loaded');
  const values = valuesToCheck();
  assert.ok(values.length > 3_000_000);
  const wasm = wasmLogs(values);
  const native = values.slice();
  addon.mathLog(native);
  const want = new BigUint64Array(wasm.buffer);
  const got = new BigUint64Array(native.buffer);
  let differing = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    if (got[i] === want[i] || (Number.isNaN(native[i]) && Number.isNaN(wasm[i]))) continue;
    differing++;
    if (first < 0) first = i;
  }
  assert.equal(differing, 0, differing ? `${differing} logs differ, the first of ${values[first]}: ${native[first]} against ${wasm[first]}` : '');
  // The check is not vacuous: the values cover finite results of both signs and the specials.
  const logs = wasm;
  assert.ok(logs.some((v) => v > 700) && logs.some((v) => v < -700) && logs.some((v) => v === -Infinity) && logs.some(Number.isNaN));
});

const em = { optimizer: 'em', alpha: 1.02, beta: 1.001, seed: 12345, precision: 64 } as const;

/** Every iteration's log-likelihood of a fit with `kernel` (the metric read on every iteration). */
async function likelihoods(c: Corpus, p: Pick<LdaParams, 'k' | 'maxIterations' | 'threads'>, kernel: 'wasm' | 'native'): Promise<number[]> {
  const lls: number[] = [];
  const model = await fitLda(c, { ...em, ...p, kernel, onIteration: (_i, _t, _n, ll) => lls.push(ll) });
  assert.equal(model.kernel, kernel);
  return lls;
}

test('em: every iteration\'s log-likelihood in native code is the wasm kernel\'s (K = 1, 2, 7, 20, 64; u16, f32 and f64 counts; 1 and 2 threads)', async () => {
  for (const k of [1, 2, 7, 20, 64]) {
    const base = randomCorpus(400, 200, 12, 0.1, k * 11 + 3);
    for (const [name, c] of [
      ['u16', base],
      ['f32', { ...base, counts: base.counts.map((x, i) => (i % 4 === 0 ? 1 : x * 0.5)) }],
      ['f64', { ...base, counts: base.counts.map((x) => x / 3) }],
    ] as const) {
      for (const threads of [1, 2]) {
        const wasm = await likelihoods(c, { k, maxIterations: 4, threads }, 'wasm');
        const native = await likelihoods(c, { k, maxIterations: 4, threads }, 'native');
        assert.ok(wasm.every(Number.isFinite), `K = ${k}, ${name}: a log-likelihood is not finite`);
        assert.deepEqual(native, wasm, `K = ${k}, ${name} counts, ${threads} thread(s)`);
      }
    }
  }
  // Documents long enough for the running product of Σγ to leave [2^-500, 2^500], and a one-word vocabulary.
  const long = corpusOf(Array.from({ length: 6 }, (_, d) => Array.from({ length: 300 }, (_, w): [number, number] => [w, d === 2 ? 0 : 1])), 300);
  const oneWord = corpusOf([[[0, 3]], [], [[0, 1]], [[0, 7]]], 1);
  for (const [name, c] of [['long documents', long], ['one word', oneWord]] as const) {
    for (const k of [2, 20]) assert.deepEqual(await likelihoods(c, { k, maxIterations: 3 }, 'native'), await likelihoods(c, { k, maxIterations: 3 }, 'wasm'), `${name}, K = ${k}`);
  }
});
