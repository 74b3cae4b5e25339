import { SpotError } from '../common/errors.js';

/**
 * An engine failure the user can act on, as a SpotError (exit 2), or undefined for a genuine fault.
 * Running out of memory names the CLI's own flags (not DuckDB's SET statements).
 */
export function engineFailure(err: unknown): SpotError | undefined {
  if (err instanceof SpotError || !(err instanceof Error)) return undefined;
  const message = err.message;
  if (/Out of Memory Error|failed to allocate|could not allocate/i.test(message)) {
    return new SpotError(
      `the engine ran out of memory (${firstLine(message.replace(/^Out of Memory Error: /i, ''))}).\n` +
        `Give it more with --memory-limit (e.g. --memory-limit 4GB), use fewer --threads (each needs its own ` +
        `buffers), or point --spill-dir at a disk with more free space; nothing was replaced at --scored.`,
    );
  }
  return undefined;
}

/** Whether an engine error is about the bytes of an input file (corrupt pages, bad encodings), not about the query. */
export function isDecodeFailure(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /invalid string encoding|invalid unicode|utf-?8|decompress|snappy|zstd|gzip|lz4|brotli|corrupt|parquet|thrift|magic bytes|page|dictionary|out of range/i.test(
    message,
  );
}

export function firstLine(message: string): string {
  return message.split('\n')[0];
}
