import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { SpotError } from '../common/errors.js';

/** One ingested source: what it was when read, so a second ingest adds nothing and a grown log only its tail. */
export interface ManifestEntry {
  path: string;
  size: number;
  sha256: string;
  /** Lines (or tool output lines) read from it, all of them. */
  lines: number;
  format: string;
  run: string;
}

export interface Manifest {
  version: 1;
  sources: ManifestEntry[];
}

export async function readManifest(path: string): Promise<Manifest> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (text === undefined) return { version: 1, sources: [] };
  try {
    const m = JSON.parse(text) as Manifest;
    if (!Array.isArray(m.sources)) throw new Error('no "sources" list');
    return m;
  } catch (err) {
    throw new SpotError(`the ingest manifest ${path} is damaged (${(err as Error).message}); move it aside to ingest everything again`);
  }
}

export async function writeManifest(path: string, manifest: Manifest): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(manifest, null, 1) + '\n');
  await rename(tmp, path);
}

/** What to do with a source given the manifest. */
export type SourcePlan =
  | { kind: 'new'; size: number; sha256: string }
  | { kind: 'done'; size: number; sha256: string; as: ManifestEntry }
  | { kind: 'tail'; size: number; sha256: string; after: ManifestEntry };

/**
 * Whether the manifest could hold the source or an earlier version of it: a source of the same size (a
 * copy) or the same path when it was shorter (a grown log). If not, it is new whatever its hash.
 */
export function mayBeIngested(path: string, size: number, manifest: Manifest): boolean {
  return manifest.sources.some((e) => e.size === size || (e.path === path && e.size < size));
}

/**
 * Hashes the file once: its whole content, and on the way the prefix each earlier version of the same
 * path had, so a grown log is recognised by its ingested content being a prefix of it.
 */
export async function planSource(path: string, size: number, manifest: Manifest): Promise<SourcePlan> {
  const earlier = manifest.sources.filter((e) => e.path === path && e.size < size).sort((a, b) => b.size - a.size);
  const prefixes = new Map<number, string>();
  const hash = createHash('sha256');
  let read = 0;
  const cuts = [...new Set(earlier.map((e) => e.size))].sort((a, b) => a - b);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let offset = 0;
    while (cuts.length && cuts[0] <= read + chunk.length) {
      const cut = cuts.shift()!;
      hash.update(chunk.subarray(offset, cut - read));
      offset = cut - read;
      prefixes.set(cut, digestCopy(hash));
    }
    hash.update(chunk.subarray(offset));
    read += chunk.length;
  }
  const sha256 = hash.digest('hex');
  const same = manifest.sources.find((e) => e.size === read && e.sha256 === sha256);
  if (same) return { kind: 'done', size: read, sha256, as: same };
  const grown = earlier.find((e) => prefixes.get(e.size) === e.sha256);
  if (grown) return { kind: 'tail', size: read, sha256, after: grown };
  return { kind: 'new', size: read, sha256 };
}

function digestCopy(hash: Hash): string {
  return hash.copy().digest('hex');
}
