import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { SpotError } from '../common/errors.js';

/**
 * The Parquet files of a run's input: a file, a folder (read recursively, so a day with its hour
 * partitions), or a glob pattern.
 */
export async function resolveInputFiles(engine: Engine, input: string): Promise<string[]> {
  const info = await stat(input).catch(() => undefined);
  let files: string[];
  if (info?.isFile()) {
    files = [input];
  } else if (info?.isDirectory()) {
    const entries = await readdir(input, { recursive: true, withFileTypes: true });
    files = entries
      .filter((e) => e.isFile() && e.name.endsWith('.parquet') && !e.name.startsWith('.') && !e.name.startsWith('_'))
      .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
      .sort();
    if (files.length === 0) throw new SpotError(`no Parquet files (*.parquet) found under the folder ${input}`);
  } else if (/[*?[]/.test(input)) {
    files = await engine.glob(input);
    if (files.length === 0) throw new SpotError(`no files match the input pattern ${input}`);
  } else {
    throw new SpotError(`input not found: ${input}`);
  }
  return files;
}
