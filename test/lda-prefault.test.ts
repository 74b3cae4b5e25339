/**
 * Pages touched ahead by an idle thread (src/lda/prefault.ts): the touch never changes a value, even while
 * another thread writes the same pages, and ranges that start or end inside a page are touched whole.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { touchPages } from '../src/lda/prefault.js';

test('touching pages leaves every value as it was, at any offsets', () => {
  const buffer = new SharedArrayBuffer(5 * 4096);
  const bytes = new Uint8Array(buffer);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + 3) & 0xff;
  const before = bytes.slice();
  touchPages([
    { buffer, from: 6, to: 4096 * 2 + 10 },
    { buffer, from: 4096 * 3 - 4, to: 4096 * 5 },
    { buffer, from: 100, to: 100 },
  ]);
  assert.deepEqual(bytes, before);
});

test('a touch racing with another thread filling the same pages loses none of its writes', async () => {
  const words = 64 * 1024; // 64 pages of i32
  const buffer = new SharedArrayBuffer(words * 4);
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     const a = new Int32Array(workerData);
     for (let i = 0; i < a.length; i++) Atomics.store(a, i, i + 1);
     parentPort.postMessage('done');`,
    { eval: true, workerData: buffer },
  );
  const done = new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  for (let r = 0; r < 20; r++) touchPages([{ buffer, from: 0, to: words * 4 }]);
  await done;
  await worker.terminate();
  const a = new Int32Array(buffer);
  let wrong = 0;
  for (let i = 0; i < words; i++) if (a[i] !== i + 1) wrong++;
  assert.equal(wrong, 0);
});
