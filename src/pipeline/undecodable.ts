import type { Engine } from '../engine/engine.js';
import { SpotError } from '../common/errors.js';
import { printable } from '../common/display.js';
import { firstLine } from '../engine/failures.js';

/**
 * After the engine failed on the input: the files it cannot decode (corrupt pages, invalid UTF-8, bad
 * metadata), found by reading each file's every column on its own. DuckDB cannot skip an undecodable page
 * and go on, so such a file stops the run with one clear message naming it (exit 2); undefined when every
 * file decodes (the failure was something else).
 */
export async function undecodableInput(engine: Engine, files: readonly string[], err: unknown): Promise<SpotError | undefined> {
  if (err instanceof SpotError || !(err instanceof Error) || !/^[A-Za-z ]*Error: /.test(err.message)) return undefined;
  const bad: string[] = [];
  for (const file of files) {
    const problem = await engine
      .attachParquet('spot_decode_probe', [file])
      .then(() => engine.rows('SELECT count(hash(t)) AS n FROM spot_decode_probe t'))
      .then(() => undefined, (e: unknown) => firstLine(e instanceof Error ? e.message : String(e)));
    if (problem !== undefined) bad.push(`  ${printable(file)}: ${printable(problem)}`);
    if (bad.length >= 10) break;
  }
  if (bad.length === 0) return undefined;
  return new SpotError(
    `the engine cannot decode ${bad.length === 1 ? 'this input file' : 'these input files'} (corrupt or not valid Parquet):\n` +
      `${bad.join('\n')}\nnothing was analysed; repair or remove the file and run again.`,
  );
}

