import { readFile } from 'node:fs/promises';
import { SpotError } from '../common/errors.js';
import type { FeedbackLayout } from './layout.js';
import { detectDelimiter, parseLine, splitLines } from './delimited.js';
import { missingColumns, mapColumns, rowValues } from './rows.js';

export interface FeedbackRow {
  /** Line number in the file (the header is line 1). */
  line: number;
  /** Raw values of the used columns present in the file, by column name. */
  values: Record<string, string>;
}

export interface LineProblem {
  line: number;
  problem: string;
}

export interface ParsedFeedback {
  delimiter: ',' | '\t';
  header: string[];
  /** Column name → field index in the file's lines. */
  columns: Map<string, number>;
  rows: FeedbackRow[];
  /** Malformed lines, skipped. */
  problems: LineProblem[];
}

/**
 * Parses a feedback file's text (SPEC §6): one header line naming the columns, then one event per line.
 * Malformed lines are returned as problems with their line numbers; they never stop the parse.
 */
export function parseFeedback(text: string, layout: FeedbackLayout): ParsedFeedback {
  const lines = splitLines(text);
  const delimiter = detectDelimiter(lines[0] ?? '');
  const head = parseLine(lines[0] ?? '', delimiter);
  const header = 'fields' in head ? head.fields.map((h) => h.trim()) : [];
  const columns = mapColumns(header, layout);
  const rows: FeedbackRow[] = [];
  const problems: LineProblem[] = [];
  const missing = missingColumns(columns, layout);
  if (missing.length > 0) {
    problems.push({ line: 1, problem: `the header has no column for ${missing.join(', ')}: no line can be used` });
    return { delimiter, header, columns, rows, problems };
  }
  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    if (lines[i].trim() === '') continue;
    const parsed = parseLine(lines[i], delimiter);
    if ('error' in parsed) {
      const last = quotedRecordEnd(lines, i, delimiter);
      if (last === undefined) problems.push({ line, problem: parsed.error });
      else problems.push({ line, problem: `a quoted field runs on to line ${last + 1}: lines ${line}–${last + 1} skipped as one malformed record` });
      i = last ?? i;
      continue;
    }
    const row = rowValues(parsed.fields, columns, layout);
    if ('problem' in row) problems.push({ line, problem: row.problem });
    else rows.push({ line, values: row.values });
  }
  return { delimiter, header, columns, rows, problems };
}

const MAX_RECORD_LINES = 100;

/**
 * When line i opens a quoted field that closes on a later line, the index of that line: the lines between
 * belong to one record (a value with a line break, which is never a rating of its own). Undefined when
 * no later line (within a bound) closes it.
 */
function quotedRecordEnd(lines: readonly string[], i: number, delimiter: string): number | undefined {
  if ((lines[i].match(/"/g)?.length ?? 0) % 2 === 0) return undefined;
  for (let j = i + 1; j < Math.min(lines.length, i + MAX_RECORD_LINES); j++) {
    if ('fields' in parseLine(lines.slice(i, j + 1).join('\n'), delimiter)) return j;
  }
  return undefined;
}

/**
 * Reads and parses a feedback file. A missing file is no feedback (undefined); a file that exists but
 * cannot be read is an error the user must fix.
 */
export async function readFeedbackFile(path: string, layout: FeedbackLayout): Promise<ParsedFeedback | undefined> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw new SpotError(`cannot read the feedback file ${path}: ${err.message}`);
  });
  return text === undefined ? undefined : parseFeedback(text, layout);
}
