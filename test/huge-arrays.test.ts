import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hugeArray } from '../src/lda/huge-arrays.js';
import { nativeEm } from '../src/lda/em-native.js';
import { withEngine } from './helpers.js';

test('hugeArray: zeroed arrays of the type and length asked; only large ones are advised, before their first write', () => {
  const advised: number[] = [];
  const spy = (bytes: Uint8Array) => {
    // Advice comes before anything is written: the pages are still untouched (all zero).
    assert.ok(bytes.every((b) => b === 0));
    advised.push(bytes.byteLength);
  };
  const small = hugeArray(Int32Array, 1000, spy);
  const large = hugeArray(Float64Array, 2_000_000, spy);
  assert.ok(small instanceof Int32Array && small.length === 1000 && small.every((v) => v === 0));
  assert.ok(large instanceof Float64Array && large.length === 2_000_000 && large.every((v) => v === 0));
  assert.deepEqual(advised, [16_000_000]);
  // The default advice is the native addon's (lda-native asserts it is loaded here): the kernel accepts it.
  assert.equal(nativeEm()?.adviseHugePages(new Uint8Array(new Float64Array(2_000_000).buffer)), true);
  const real = hugeArray(Float64Array, 2_000_000);
  real.fill(1.5);
  assert.equal(real.reduce((a, b) => a + b, 0), 3_000_000);
});

test('createTable lets other work run between batches of a large append, and appends every row', async () => {
  await withEngine(async (engine) => {
    let slices = 0;
    class Watched extends Float64Array {
      override subarray(begin?: number, end?: number): Float64Array<ArrayBuffer> {
        slices++;
        return super.subarray(begin, end);
      }
    }
    const rows = 1_000_000;
    const values = new Watched(rows).map((_, i) => i);
    const seen: number[] = [];
    let done = false;
    const turn = () => {
      seen.push(slices);
      if (!done) setImmediate(turn);
    };
    setImmediate(turn);
    await engine.createTable('spot_watched', [{ name: 'v', type: 'DOUBLE', values }]);
    done = true;
    const chunks = Math.ceil(rows / 2048);
    assert.ok(slices >= chunks, `every chunk was filled (${slices})`);
    assert.ok(seen.some((s) => s > 0 && s < chunks), `the event loop ran between the chunks (turns saw ${[...new Set(seen)].join(', ')} chunks)`);
    const [r] = await engine.rows('SELECT count(*) AS n, sum(v) AS s FROM spot_watched');
    assert.equal(Number(r.n), rows);
    assert.equal(Number(r.s), (rows * (rows - 1)) / 2);
  });
});
