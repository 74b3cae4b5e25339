import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SpotError } from '../common/errors.js';
import type { Engine } from '../engine/engine.js';

/** The source files named by files, folders (read recursively, hidden files left out) and glob patterns; absolute, sorted, once each. */
export async function resolveSources(engine: Engine, inputs: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const input of inputs) {
    const info = await stat(input).catch(() => undefined);
    if (info?.isFile()) {
      found.add(resolve(input));
    } else if (info?.isDirectory()) {
      const entries = await readdir(input, { recursive: true, withFileTypes: true });
      const files = entries.filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => resolve(join(e.parentPath, e.name)));
      if (files.length === 0) throw new SpotError(`no files under the folder ${input}`);
      files.forEach((f) => found.add(f));
    } else if (/[*?[]/.test(input)) {
      const files = await engine.glob(input);
      if (files.length === 0) throw new SpotError(`no files match ${input}`);
      files.forEach((f) => found.add(resolve(f)));
    } else {
      throw new SpotError(`input not found: ${input}`);
    }
  }
  return [...found].sort();
}
