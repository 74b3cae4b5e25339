import { spawn, type ChildProcess } from 'node:child_process';
import { cliPath, repoRoot } from '../helpers.js';

export interface Running {
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  /** Resolves when stderr has shown the text (e.g. the test pause marker). */
  waitFor: (text: string) => Promise<void>;
  /** Resolves with the exit code (null when ended by a signal) and the signal. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `spot-ml ARGS` in its own process without waiting for it (for signal and concurrency tests). */
export function startCli(args: readonly string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => {
    err += d;
    for (const w of [...waiters]) if (err.includes(w.text)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stderr: () => err,
    stdout: () => out,
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        if (err.includes(text)) return resolve();
        waiters.push({ text, resolve });
        exit.then(() => (err.includes(text) ? resolve() : reject(new Error(`exited before "${text}":\n${err}`))));
      }),
    exit,
  };
}
