/**
 * SIGINT and SIGTERM stop a run: the registered clean-ups (synchronous: the process exits right after)
 * remove what the run made — its spill folder, its partial run folder, its locks — and the process exits
 * 130 (SIGINT) or 143 (SIGTERM), as a shell reports a process ended by that signal.
 */
type Cleanup = () => void;

const cleanups = new Set<Cleanup>();
let installed = false;

/** Registers a clean-up for an interrupt; returns the function that unregisters it (call it when the work is done). */
export function onInterrupt(cleanup: Cleanup): () => void {
  install();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

function install(): void {
  if (installed) return;
  installed = true;
  const stop = (signal: NodeJS.Signals, code: number) => () => {
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
