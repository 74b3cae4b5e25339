import type { Engine, RowRange } from '../engine/engine.js';
import { SpotError } from '../common/errors.js';
import { printable } from '../common/display.js';
import { firstLine } from '../engine/failures.js';

/** Rows of an input file the engine cannot decode (a corrupt page, invalid UTF-8), skipped and reported. */
export interface UndecodablePart extends RowRange {
  rowGroup: number;
  reason: string;
}

const MAX_NAMED = 10;

/**
 * After the engine failed on the input: which input it cannot decode, found by reading each file's
 * every column on its own, then each row group of a failing file. Returns the undecodable row groups
 * (the run can go on without them), a SpotError naming the files that cannot be read at all (broken
 * metadata, truncation: exit 2), or undefined when every file decodes (the failure was something else).
 */
export async function findUndecodable(engine: Engine, files: readonly string[], err: unknown): Promise<UndecodablePart[] | SpotError | undefined> {
  if (err instanceof SpotError || !(err instanceof Error) || !/^[A-Za-z ]*Error: /.test(err.message)) return undefined;
  const unreadable: string[] = [];
  const parts: UndecodablePart[] = [];
  for (const file of files) {
    if ((await decodeProblem(engine, file, [])) === undefined) continue;
    const groups = engine.rowGroups ? await engine.rowGroups(file).catch(() => undefined) : undefined;
    const bad: UndecodablePart[] = [];
    for (const [rowGroup, group] of (groups ?? []).entries()) {
      const reason = await decodeProblem(engine, file, groups!.filter((g) => g !== group));
      if (reason !== undefined) bad.push({ ...group, rowGroup, reason });
    }
    if (bad.length === 0) unreadable.push(`  ${printable(file)}: ${printable((await decodeProblem(engine, file, [])) ?? 'unreadable')}`);
    parts.push(...bad);
    if (unreadable.length >= MAX_NAMED) break;
  }
  if (unreadable.length > 0) {
    return new SpotError(
      `the engine cannot read ${unreadable.length === 1 ? 'this input file' : 'these input files'} (corrupt or not valid Parquet):\n` +
        `${unreadable.join('\n')}\nnothing was analysed; repair or remove the file and run again.`,
    );
  }
  return parts.length > 0 ? parts : undefined;
}

/** Why the file (less the skipped row ranges) cannot be decoded, or undefined when it can. */
async function decodeProblem(engine: Engine, file: string, skip: readonly RowRange[]): Promise<string | undefined> {
  return engine
    .attachParquet('spot_decode_probe', [file], skip)
    .then(() => engine.rows('SELECT count(hash(t)) AS n FROM spot_decode_probe t'))
    .then(
      () => undefined,
      (e: unknown) => firstLine(e instanceof Error ? e.message : String(e)),
    );
}

/** The report line of the skipped row groups. */
export function undecodableNote(parts: readonly UndecodablePart[]): string {
  const rows = parts.reduce((n, p) => n + (p.to - p.from), 0);
  const where = parts.slice(0, MAX_NAMED).map((p) => `  ${printable(p.file)} row group ${p.rowGroup} (rows ${p.from}–${p.to - 1}): ${printable(p.reason)}`);
  const more = parts.length > MAX_NAMED ? [`  and ${parts.length - MAX_NAMED} more row groups`] : [];
  return `${rows} rows the engine cannot decode were skipped:\n${[...where, ...more].join('\n')}`;
}
