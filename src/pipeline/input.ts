import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { SpotError } from '../common/errors.js';
import { printable } from '../common/display.js';

/**
 * The Parquet files of a run's input: a file, a folder (read recursively, so a day with its hour
 * partitions), or a glob pattern. Real file names are never read as patterns (the engine escapes them).
 * The run's output folder (`outputDir`: the run's folder, beside `--scored`) must not be among the input.
 */
export async function resolveInputFiles(engine: Engine, input: string, outputDir?: string): Promise<string[]> {
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
    throw new SpotError(`input not found: ${printable(input)}`);
  }
  if (outputDir) await refuseOutputInsideInput(input, info?.isDirectory() ? input : undefined, files, outputDir);
  return files;
}

/** A run writing into its own input would read its model and results back as events the next time. */
async function refuseOutputInsideInput(input: string, inputDir: string | undefined, files: string[], outputDir: string): Promise<void> {
  // A run's folder in a history (<scored>.runs/<run>): the whole history is output, earlier runs too.
  const out = await realPathOf(basename(dirname(outputDir)).endsWith('.runs') ? dirname(outputDir) : outputDir);
  const inside = (p: string, folder: string) => p === folder || p.startsWith(folder.endsWith(sep) ? folder : folder + sep);
  const clash = inputDir ? inside(out, await realPathOf(inputDir)) : (await Promise.all(files.map(realPathOf))).some((f) => inside(f, out));
  if (clash) {
    throw new SpotError(
      `the results folder ${printable(outputDir)} is inside the input ${printable(input)}: the next run would read ` +
        `the results back as events. Give a --scored outside the input.`,
    );
  }
}

/** The real path of a file or folder, or of its nearest existing parent joined with the rest. */
async function realPathOf(path: string): Promise<string> {
  const abs = resolve(path);
  const real = await realpath(abs).catch(() => undefined);
  if (real) return real;
  const parent = dirname(abs);
  return parent === abs ? abs : join(await realPathOf(parent), basename(abs));
}
