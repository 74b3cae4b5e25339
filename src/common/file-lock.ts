import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import { SpotError } from './errors.js';
import { processAlive, processStartTicks } from './process-alive.js';
import { onInterrupt } from './interrupt.js';
import { printable } from './display.js';

interface Holder {
  pid: number;
  host: string;
  start?: string;
  since: string;
}

const POLL_MS = 200;

/**
 * Runs `fn` holding the lock `<path>.lock`: a file created exclusively (O_EXCL) that holds the owner's
 * pid, host and process start time. A lock whose owner is dead (same host, pid gone or reused) is taken
 * over; a live one makes this throw a SpotError naming the holder (exit 2), or, with `wait`, polls until
 * it is free. The lock is removed when `fn` settles, and on SIGINT/SIGTERM.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, options: { wait?: boolean } = {}): Promise<T> {
  const lockPath = `${path}.lock`;
  const mine = await acquire(lockPath, path, options.wait ?? false);
  const release = () => releaseLock(lockPath, mine);
  const forget = onInterrupt(release);
  try {
    return await fn();
  } finally {
    forget();
    release();
  }
}

async function acquire(lockPath: string, target: string, wait: boolean): Promise<string> {
  const content = JSON.stringify({
    pid: process.pid,
    host: hostname(),
    start: processStartTicks(process.pid),
    since: new Date().toISOString(),
  } satisfies Holder);
  let told = false;
  try {
    mkdirSync(dirname(lockPath), { recursive: true });
  } catch (err) {
    throw new SpotError(`cannot create the folder of ${printable(target)}: ${printable((err as Error).message)}`);
  }
  for (;;) {
    if (createExclusive(lockPath, content)) return content;
    const held = readHolder(lockPath);
    if (held && isStale(held.holder)) {
      takeOverStale(lockPath, held.text);
      continue;
    }
    if (held === undefined) continue; // released between our attempt and the read
    const who = describe(held.holder);
    if (!wait) {
      throw new SpotError(
        `${printable(target)} is in use by ${who} (lock ${printable(lockPath)}); ` +
          `wait for it to finish, or give --wait to queue behind it`,
      );
    }
    if (!told) process.stderr.write(`spot-ml: waiting for ${who}, which holds ${printable(lockPath)}\n`);
    told = true;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function createExclusive(lockPath: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new SpotError(`cannot create the lock file ${printable(lockPath)}: ${(err as Error).message}`);
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The holder recorded in a lock file; a file being written (empty or partial) counts as held by an unknown live owner. */
function readHolder(lockPath: string): { text: string; holder: Holder | undefined } | undefined {
  let text: string;
  try {
    text = readFileSync(lockPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SpotError(`cannot read the lock file ${printable(lockPath)}: ${(err as Error).message}`);
  }
  // A bare pid (another tool's convention) is understood too.
  const pid = Number(text.trim());
  if (/^\d+$/.test(text.trim())) return { text, holder: Number.isInteger(pid) && pid > 0 ? { pid, host: hostname(), since: '?' } : undefined };
  try {
    const h = JSON.parse(text) as Holder;
    return { text, holder: h !== null && typeof h === 'object' && Number.isInteger(h.pid) ? h : undefined };
  } catch {
    return { text, holder: undefined };
  }
}

function isStale(holder: Holder | undefined): boolean {
  if (!holder) return false;
  return holder.host === hostname() && !processAlive(holder.pid, holder.start);
}

/**
 * Removes a dead owner's lock. Two processes may find the same stale lock; a second, short-lived lock
 * (`.takeover`) makes sure only one removes it, and it re-reads the file first so that it never removes a
 * lock a live process has just created.
 */
function takeOverStale(lockPath: string, staleText: string): void {
  const guard = `${lockPath}.takeover`;
  if (!createExclusive(guard, String(process.pid))) {
    const guardPid = Number(readFileSafe(guard));
    if (!processAlive(guardPid)) unlinkSafe(guard);
    return;
  }
  try {
    if (readFileSafe(lockPath) === staleText) unlinkSafe(lockPath);
  } finally {
    unlinkSafe(guard);
  }
}

function releaseLock(lockPath: string, content: string): void {
  if (readFileSafe(lockPath) === content) unlinkSafe(lockPath);
}

function describe(holder: Holder | undefined): string {
  if (!holder) return 'another process';
  const host = holder.host === hostname() ? '' : ` on ${holder.host}`;
  return `process ${holder.pid}${host} (since ${holder.since})`;
}

function readFileSafe(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function unlinkSafe(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}
