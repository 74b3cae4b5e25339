import type { Engine } from '../engine/engine.js';

/**
 * Runs `main` and, beside it, `side` on another connection of the engine, and returns main's result once
 * both have ended (main's error first, then side's). On two cores a single-threaded statement (such as a
 * Parquet write from a POSITIONAL JOIN) then overlaps the JavaScript and engine work of `main` instead of
 * adding its whole time to the run. Without other connections `side` runs after `main`, on the engine itself.
 */
export async function alongside<T>(engine: Engine, side: (engine: Engine) => Promise<void>, main: () => Promise<T>): Promise<T> {
  if (!engine.connection) {
    const result = await main();
    await side(engine);
    return result;
  }
  const other = await engine.connection();
  const beside = (async () => {
    try {
      await side(other);
    } finally {
      await other.close();
    }
  })();
  const [m, s] = await Promise.allSettled([main(), beside]);
  if (m.status === 'rejected') throw m.reason;
  if (s.status === 'rejected') throw s.reason;
  return m.value;
}
