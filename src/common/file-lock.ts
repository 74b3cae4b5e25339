import { open, readFile, rm } from 'node:fs/promises';
import { SpotError } from './errors.js';

/**
 * Runs fn while holding `<path>.lock` (created exclusively, holding the owner's pid). A lock left by a
 * dead process is taken over. When another live process holds it: wait (polling) or fail naming it.
 * (Minimal version for issue 14; issue 11 owns this file.)
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, options: { wait?: boolean } = {}): Promise<T> {
  const lock = `${path}.lock`;
  for (;;) {
    try {
      const fh = await open(lock, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
      if (!holder || !isAlive(holder)) {
        await rm(lock, { force: true });
        continue;
      }
      if (!options.wait) throw new SpotError(`${path} is locked by process ${holder} (${lock}); try again when it has finished`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
