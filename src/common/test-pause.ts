import { existsSync } from 'node:fs';

/**
 * For the interruption and concurrency tests only: with SPOT_ML_TEST_PAUSE_AT=<stage> the run stops at
 * that stage (reading, lda, writing), says so on stderr and waits — until the file named by
 * SPOT_ML_TEST_RESUME_FILE exists, or SPOT_ML_TEST_PAUSE_MS (default a minute) has passed — so a test can
 * deliver a signal, or start a second run, exactly there. Without the variable this does nothing.
 */
export async function pauseForTest(stage: 'reading' | 'lda' | 'writing'): Promise<void> {
  if (process.env.SPOT_ML_TEST_PAUSE_AT !== stage) return;
  process.stderr.write(`spot-ml: test pause at ${stage}\n`);
  const until = Date.now() + Number(process.env.SPOT_ML_TEST_PAUSE_MS ?? 60_000);
  const resume = process.env.SPOT_ML_TEST_RESUME_FILE;
  while (Date.now() < until && !(resume && existsSync(resume))) await new Promise((r) => setTimeout(r, 50));
}
