import { open, readFile, rm } from 'node:fs/promises';
import { SpotError } from './errors.js';

/**
 * Runs `fn` holding `<path>.lock` (a file holding the owner's pid, created exclusively). A lock whose pid
 * is no longer running is stale and taken over. When the lock is held: with `wait`, retries until it is
 * free; otherwise throws a SpotError naming the holder (exit 2). Minimal version for the console (issue
 * 12); issue 11 owns this module.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, options: { wait?: boolean } = {}): Promise<T> {
  const lock = `${path}.lock`;
  for (;;) {
    const handle = await open(lock, 'wx').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EEXIST') return undefined;
      throw new SpotError(`cannot create the lock file ${lock}: ${err.message}`);
    });
    if (handle) {
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      try {
        return await fn();
      } finally {
        await rm(lock, { force: true });
      }
    }
    const holder = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(holder) && holder > 0 && !isRunning(holder)) {
      await rm(lock, { force: true });
      continue;
    }
    if (!options.wait) throw new SpotError(`${path} is locked by process ${holder || 'unknown'} (${lock})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
