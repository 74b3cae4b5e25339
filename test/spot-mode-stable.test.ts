import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { goldenDir, goldenRun, TOP_RESULTS } from './spot-mode-fixture.js';
import { tempDir } from './helpers.js';

// Issue 13: the spot score must not change. The expected files were made by the code before the robust
// mode existed (bench/spot-mode-fixtures.ts), with the JavaScript LDA kernels, which stay the reference:
// with them the results are byte-identical. The WebAssembly kernels (issue 16, the default where they run)
// agree with the reference within 1e-9 relative (docs/DECISIONS.md), so their scores are checked within it.
const REFERENCE_KERNELS = { SPOT_ML_LDA_KERNEL: 'js' };
const TOLERANCE = 1e-9;

for (const type of ['flow', 'dns', 'proxy'] as const) {
  test(`${type}: spot-mode results are byte-identical to the stored expected files (reference kernels)`, () => {
    for (const [extra, expected] of [[[], 'expected_results.csv'], [TOP_RESULTS, 'expected_top_results.csv']] as const) {
      const args = expected === 'expected_results.csv' ? extra : [...extra, '--scoring', 'spot'];
      const scored = goldenRun(type, tempDir(`spot-stable-${type}`), args, REFERENCE_KERNELS);
      const got = readFileSync(join(scored, `${type}_results.csv`), 'utf8');
      const want = readFileSync(join(goldenDir, type, expected), 'utf8');
      assert.ok(want.length > 0);
      assert.ok(got === want, `${type} ${expected}: results differ from the stored spot-mode results`);
    }
  });
}

/** The score of each result row, by the row's other fields. */
function scoresByEvent(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n').filter(Boolean)) {
    const cut = line.lastIndexOf('\t');
    out.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return out;
}

for (const type of ['flow', 'dns', 'proxy'] as const) {
  test(`${type}: spot-mode results with the default kernels: the same events, scores within ${TOLERANCE} of the stored ones`, () => {
    const scored = goldenRun(type, tempDir(`spot-stable-default-${type}`));
    const got = scoresByEvent(readFileSync(join(scored, `${type}_results.csv`), 'utf8'));
    const want = scoresByEvent(readFileSync(join(goldenDir, type, 'expected_results.csv'), 'utf8'));
    assert.ok(want.size > 100);
    assert.equal(got.size, want.size);
    for (const [event, score] of want) {
      const other = got.get(event);
      assert.ok(other !== undefined, `${type}: ${event} is missing`);
      assert.ok(Math.abs(other - score) <= TOLERANCE * Math.max(Math.abs(score), Math.abs(other)), `${type}: ${event}: ${other} vs ${score}`);
    }
  });
}
