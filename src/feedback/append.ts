import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SpotError } from '../common/errors.js';
import { detectDelimiter, formatLine, parseLine } from './delimited.js';
import { mapColumns, missingColumns, rowProblems } from './rows.js';
import { columnNamed, usedColumns, type FeedbackLayout } from './layout.js';
import { printable } from '../common/display.js';

/**
 * Appends one rated event to an ml_feedback.csv. A new file gets Spot's header (comma-separated, as Spot's
 * front end wrote it); an existing file keeps its own header, delimiter and line ends, and the values go
 * where its header puts them. The whole text is written by one append (O_APPEND),
 * so an interrupted or concurrent writer never leaves half a line; a new file is created exclusively.
 * A value holding a line break or another control character is refused (it would read back as more than
 * one line, i.e. a forged rating); one holding the delimiter or a quote is quoted CSV-style, and reads back
 * as the same single field. An existing file must start with a feedback header. Returns the line written.
 * `path` is the real file (see feedbackTarget); callers hold its lock (withFileLock).
 */
export async function appendFeedback(path: string, layout: FeedbackLayout, values: Readonly<Record<string, string>>, attempt = 0): Promise<string> {
  const control = controlCharacterIn(values);
  if (control) throw new SpotError(`not recorded: ${control}`);
  const problems = rowProblems(values, layout);
  if (problems.length > 0) throw new SpotError(`not recorded: ${problems.join('; ')}`);
  await mkdir(dirname(path), { recursive: true }).catch((err: Error) => {
    throw new SpotError(`cannot create the folder of the feedback file ${printable(path)}: ${printable(err.message)}`);
  });
  const existing = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw new SpotError(`cannot read the feedback file ${printable(path)}: ${printable(err.message)}`);
  });
  if (existing === undefined || existing.replace(/^\uFEFF/, '').trim() === '') {
    const header = layout.columns.map((c) => c.name);
    const line = formatLine(header.map((h) => values[h] ?? ''), ',');
    const text = `${formatLine(header, ',')}\n${line}\n`;
    const created = await writeFile(path, text, { flag: existing === undefined ? 'wx' : 'a' }).then(
      () => true,
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'EEXIST') return false;
        throw new SpotError(`cannot write the feedback file ${path}: ${err.message}`);
      },
    );
    if (created) return line;
    if (attempt > 0) throw new SpotError(`cannot create the feedback file ${printable(path)}: it exists but cannot be read`);
    return appendFeedback(path, layout, values, attempt + 1);
  }
  const headerLine = existing.replace(/^\uFEFF/, '').split('\n', 1)[0].replace(/\r$/, '');
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const delimiter = detectDelimiter(headerLine);
  const head = parseLine(headerLine, delimiter);
  const header = 'fields' in head ? head.fields : [];
  const unnamed = usedColumns(layout).filter((c) => c.position !== undefined && !header.some((h) => columnNamed(layout, h) === c));
  if (unnamed.length > 0) {
    throw new SpotError(
      `${printable(path)} does not start with a ${layout.type} feedback header (its first line names no ` +
        `${unnamed.map((c) => c.name).join(', ')}): not appending to a file that is not ml_feedback.csv`,
    );
  }
  const columns = mapColumns(header, layout);
  const missing = missingColumns(columns, layout);
  if (missing.length > 0) throw new SpotError(`${path}: its header has no column for ${missing.join(', ')}`);
  const fields: string[] = new Array(Math.max(header.length, ...[...columns.values()].map((i) => i + 1))).fill('');
  for (const [name, at] of columns) fields[at] = values[name] ?? '';
  const line = formatLine(fields, delimiter);
  const startsOwnLine = existing.endsWith('\n') ? '' : eol;
  await appendFile(path, `${startsOwnLine}${line}${eol}`).catch((err: NodeJS.ErrnoException) => {
    throw new SpotError(`cannot append to the feedback file ${path}: ${err.message}`);
  });
  return line;
}

/** Line breaks and other control characters (escape sequences, NUL, tabs) are refused in any value. */
function controlCharacterIn(values: Readonly<Record<string, string>>): string | undefined {
  for (const [name, value] of Object.entries(values)) {
    if (/[\u0000-\u001f\u007f]/.test(value))
      return `${name} holds a line break or another control character ("${printable(value)}"); a feedback value is one line of text`;
  }
  return undefined;
}
