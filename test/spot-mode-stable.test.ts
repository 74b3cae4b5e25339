import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { goldenDir, goldenRun, TOP_RESULTS } from './spot-mode-fixture.js';
import { tempDir } from './helpers.js';

// Issue 13: the spot score must not change. The expected files were made by the code before the robust
// mode existed (bench/spot-mode-fixtures.ts); if the LDA kernels change within their stated tolerance, they
// are regenerated together with a check that old and new scores agree within it.
for (const type of ['flow', 'dns', 'proxy'] as const) {
  test(`${type}: spot-mode results are byte-identical to the stored expected files`, () => {
    for (const [extra, expected] of [[[], 'expected_results.csv'], [TOP_RESULTS, 'expected_top_results.csv']] as const) {
      const scored = goldenRun(type, tempDir(`spot-stable-${type}`), expected === 'expected_results.csv' ? extra : [...extra, '--scoring', 'spot']);
      const got = readFileSync(join(scored, `${type}_results.csv`), 'utf8');
      const want = readFileSync(join(goldenDir, type, expected), 'utf8');
      assert.ok(want.length > 0);
      assert.ok(got === want, `${type} ${expected}: results differ from the stored spot-mode results`);
    }
  });
}
