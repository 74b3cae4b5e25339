import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SpotError } from '../common/errors.js';
import type { FeedbackLayout } from './layout.js';
import { detectDelimiter, formatLine, parseLine } from './delimited.js';
import { mapColumns, missingColumns, rowProblems } from './rows.js';

/**
 * Appends one rated event to an ml_feedback.csv. A new file gets Spot's header (comma-separated, as Spot's
 * front end wrote it); an existing file keeps its own header, delimiter and line ends, and the values go
 * where its header (or Spot's positions) puts them. The whole text is written by one append (O_APPEND),
 * so an interrupted or concurrent writer never leaves half a line; a new file is created exclusively.
 * Returns the line written.
 */
export async function appendFeedback(path: string, layout: FeedbackLayout, values: Readonly<Record<string, string>>): Promise<string> {
  const problems = rowProblems(values, layout);
  if (problems.length > 0) throw new SpotError(`not recorded: ${problems.join('; ')}`);
  await mkdir(dirname(path), { recursive: true });
  const existing = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw new SpotError(`cannot read the feedback file ${path}: ${err.message}`);
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
    return appendFeedback(path, layout, values);
  }
  const headerLine = existing.replace(/^\uFEFF/, '').split('\n', 1)[0].replace(/\r$/, '');
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const delimiter = detectDelimiter(headerLine);
  const head = parseLine(headerLine, delimiter);
  const header = 'fields' in head ? head.fields : [];
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
