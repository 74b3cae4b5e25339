/**
 * For the interruption tests only: with SPOT_ML_TEST_PAUSE_AT=<stage> the run stops at that stage
 * (reading, lda, writing), says so on stderr and waits SPOT_ML_TEST_PAUSE_MS (default a minute), so a
 * test can deliver a signal, or start a second run, exactly there. Without the variable this does nothing.
 */
export async function pauseForTest(stage: 'reading' | 'lda' | 'writing'): Promise<void> {
  if (process.env.SPOT_ML_TEST_PAUSE_AT !== stage) return;
  process.stderr.write(`spot-ml: test pause at ${stage}\n`);
  await new Promise((r) => setTimeout(r, Number(process.env.SPOT_ML_TEST_PAUSE_MS ?? 60_000)));
}
