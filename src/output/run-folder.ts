import { readlinkSync, rmSync } from 'node:fs';
import { lstat, mkdir, readdir, readlink, rename, rm, rmdir, stat, symlink, unlink } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { SpotError } from '../common/errors.js';
import { withFileLock } from '../common/file-lock.js';
import { onInterrupt } from '../common/interrupt.js';
import { processAlive } from '../common/process-alive.js';
import { printable } from '../common/display.js';

export interface RunFolderOptions {
  /** Earlier complete runs kept in the history besides the current one (at least 1: the previous run is always kept). */
  keepRuns: number;
  /** Wait for another run holding the lock instead of failing. */
  wait?: boolean;
}

export const DEFAULT_KEEP_RUNS = 5;

/** `<UTC YYYYMMDDTHHMMSSsssZ>-<pid>`: a run's folder name in the history; sorting by name sorts by time. */
const RUN_NAME = /^(\d{8}T\d{9}Z)-(\d+)$/;
/** A run is complete when its summary, written last, is there. */
const SUMMARY = /_summary\.json$/;

/** The history beside `--scored`: `<scored>.runs/`. */
/** A path inside a run's folder as seen through `--scored`, the link that points at that folder. */
export function throughScored(scored: string, runDir: string, path: string): string {
  return join(scored, relative(runDir, path));
}

export function runsFolderOf(scored: string): string {
  return `${scored.replace(/[\\/]+$/, '')}.runs`;
}

/**
 * One output transaction: under the lock `<scored>.lock`, the run writes its complete set into a new
 * folder `<scored>.runs/<time>-<pid>/`, then `--scored` becomes a relative symbolic link to it, put in place
 * by renaming (atomic), so a reader of `--scored` sees the previous complete set or the new one. A failed
 * or interrupted run removes its folder and leaves `--scored` as it was. A real folder at `--scored`
 * (from before the history) moves into the history first. Leftovers of killed runs are removed, and the
 * history is pruned to `keepRuns` earlier runs.
 */
export async function inRunFolder<T>(scoredPath: string, options: RunFolderOptions, work: (runDir: string) => Promise<T>): Promise<T> {
  const scored = resolve(scoredPath.replace(/(.)[\\/]+$/, '$1'));
  await mkdir(dirname(scored), { recursive: true }).catch((err: Error) => {
    throw new SpotError(`cannot create the folder for --scored ${printable(scoredPath)}: ${err.message}`);
  });
  await checkScoredKind(scored, scoredPath);
  return withFileLock(
    scored,
    async () => {
      const runs = runsFolderOf(scored);
      const newHistory = (await mkdir(runs, { recursive: true })) !== undefined;
      await removeLeftovers(scored, runs);
      await moveRealFolderIntoHistory(scored, runs);
      const runDir = join(runs, runName(new Date(), process.pid));
      await mkdir(runDir);
      const forget = onInterrupt(() => {
        // Interrupted just after the switch: the folder is --scored now, and complete.
        if (readlinkOrUndefined(scored) !== relativeLink(scored, runDir)) rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
      });
      let result: T;
      try {
        result = await work(runDir);
        await pointAt(scored, runDir);
      } catch (err) {
        await rm(runDir, { recursive: true, force: true, maxRetries: 3 });
        // A first run that failed leaves no empty history behind either.
        if (newHistory) await rmdir(runs).catch(() => {});
        throw err;
      } finally {
        forget();
      }
      await prune(runs, Math.max(1, options.keepRuns), basename(runDir));
      return result;
    },
    { wait: options.wait },
  );
}

export function runName(time: Date, pid: number): string {
  return `${time.toISOString().replace(/[-:.]/g, '')}-${pid}`;
}

/** The complete runs in a history folder, oldest first. */
export async function completeRuns(runs: string): Promise<string[]> {
  const names = (await readdir(runs).catch(() => [] as string[])).filter((n) => RUN_NAME.test(n)).sort();
  const complete: string[] = [];
  for (const name of names) if (await isComplete(join(runs, name))) complete.push(name);
  return complete;
}

async function isComplete(dir: string): Promise<boolean> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  return entries.some((e) => SUMMARY.test(e));
}

async function checkScoredKind(scored: string, given: string): Promise<void> {
  const info = await lstat(scored).catch(() => undefined);
  if (!info || info.isDirectory()) return;
  if (info.isSymbolicLink()) {
    const target = await stat(scored).catch(() => undefined);
    if (!target || target.isDirectory()) return; // a dangling link (its run removed by hand) is replaced
  }
  throw new SpotError(`--scored ${printable(given)} exists and is not a folder: give a folder for the results`);
}

function relativeLink(scored: string, runDir: string): string {
  return join(basename(runsFolderOf(scored)), basename(runDir));
}

function readlinkOrUndefined(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

/** Switches `--scored` to the run's folder: a relative link made under a temporary name, renamed over. */
async function pointAt(scored: string, runDir: string): Promise<void> {
  const tmp = join(dirname(scored), `.${basename(scored)}.${process.pid}.link.tmp`);
  await rm(tmp, { force: true });
  await symlink(relativeLink(scored, runDir), tmp);
  try {
    await rename(tmp, scored);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

async function moveRealFolderIntoHistory(scored: string, runs: string): Promise<void> {
  const info = await lstat(scored).catch(() => undefined);
  if (!info?.isDirectory()) return;
  const entries = await readdir(scored);
  await Promise.all(entries.filter(isDeadOwnersTemp).map((e) => rm(join(scored, e), { recursive: true, force: true })));
  if ((await readdir(scored)).length === 0) {
    await rm(scored, { recursive: true, force: true });
    return;
  }
  // pid 0: written before the history existed, by no process we know.
  const dest = join(runs, runName(info.mtime, 0));
  await rename(scored, dest);
  await pointAt(scored, dest);
}

/**
 * What killed runs left (the lock is held, so no live run of this `--scored` is writing): run folders
 * without a summary whose owner is dead, temporary links, and temporary files of dead owners.
 */
async function removeLeftovers(scored: string, runs: string): Promise<void> {
  const current = await readlink(scored).then((t) => basename(t), () => undefined);
  for (const name of await readdir(runs)) {
    const m = RUN_NAME.exec(name);
    const path = join(runs, name);
    if (m) {
      const pid = Number(m[2]);
      if (name !== current && pid !== 0 && pid !== process.pid && !processAlive(pid) && !(await isComplete(path)))
        await rm(path, { recursive: true, force: true });
    } else if (isDeadOwnersTemp(name)) {
      await rm(path, { recursive: true, force: true });
    }
  }
  const prefix = `.${basename(scored)}.`;
  for (const name of await readdir(dirname(scored))) {
    if (name.startsWith(prefix) && isDeadOwnersTemp(name)) await unlink(join(dirname(scored), name)).catch(() => {});
  }
}

/** `.<name>.<pid>.tmp` / `.<name>.<pid>.link.tmp`, written by a process that is no longer running. */
function isDeadOwnersTemp(name: string): boolean {
  const m = /^\..*\.(\d+)(\.link)?\.tmp$/.exec(name);
  return m !== null && Number(m[1]) !== process.pid && !processAlive(Number(m[1]));
}

/** Keeps the current run and the newest `keep` earlier complete runs. */
async function prune(runs: string, keep: number, current: string): Promise<void> {
  const earlier = (await completeRuns(runs)).filter((n) => n !== current);
  for (const name of earlier.slice(0, Math.max(0, earlier.length - keep))) {
    await rm(join(runs, name), { recursive: true, force: true });
  }
}

