/**
 * SIGINT and SIGTERM stop a run: the registered clean-ups (synchronous: the process exits right after)
 * remove what the run made — its spill folder, its partial run folder, its locks — and the process exits
 * 130 (SIGINT) or 143 (SIGTERM), as a shell reports a process ended by that signal.
 */
type Cleanup = () => void;

const cleanups = new Set<Cleanup>();
let installed = false;
let graceful: ((signal: NodeJS.Signals) => void) | undefined;

/** Registers a clean-up for an interrupt; returns the function that unregisters it (call it when the work is done). */
export function onInterrupt(cleanup: Cleanup): () => void {
  install();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/**
 * For a command that runs until stopped (the console): SIGINT/SIGTERM call `stop`, which closes what is
 * open and lets the process end normally, instead of the clean-ups and exit above. A second signal, after
 * `stop` was called, exits as usual. Returns the function that unregisters it.
 */
export function stopGracefullyOnInterrupt(stop: (signal: NodeJS.Signals) => void): () => void {
  install();
  const once = (signal: NodeJS.Signals) => {
    graceful = undefined;
    stop(signal);
  };
  graceful = once;
  return () => {
    if (graceful === once) graceful = undefined;
  };
}

function install(): void {
  if (installed) return;
  installed = true;
  const stop = (signal: NodeJS.Signals, code: number) => () => {
    if (graceful) return graceful(signal);
    process.stderr.write(`\nspot-ml: stopped by ${signal}; removing this run's temporary files\n`);
    // Newest first: a run folder goes before the lock that guards it.
    for (const cleanup of [...cleanups].reverse()) {
      try {
        cleanup();
      } catch {
        /* keep cleaning */
      }
    }
    process.exit(code);
  };
  process.on('SIGINT', stop('SIGINT', 130));
  process.on('SIGTERM', stop('SIGTERM', 143));
}
