import { parse } from 'csv-parse/sync';

/** Tab when the header line holds a tab (what Spot's ML side read), else comma (what Spot's front end wrote). */
export function detectDelimiter(headerLine: string): ',' | '\t' {
  return headerLine.includes('\t') ? '\t' : ',';
}

/** Physical lines of a text file, without their line ends (LF or CRLF), and without a leading byte-order mark. */
export function splitLines(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * The fields of one line, CSV-style (quoted fields may hold the delimiter and doubled quotes). Each line is
 * parsed on its own so that one malformed line (a stray quote) never swallows the lines after it.
 */
export function parseLine(line: string, delimiter: string): { fields: string[] } | { error: string } {
  try {
    const records = parse(line, { delimiter, relax_column_count: true, record_delimiter: ['\n'] }) as string[][];
    return { fields: records[0] ?? [''] };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { error: `not well-formed: ${message.replace(/ at line \d+/, '')}` };
  }
}

/** One line of fields joined by the delimiter, quoting CSV-style a field that holds the delimiter, a quote or a line break. */
export function formatLine(fields: readonly string[], delimiter: string): string {
  return fields
    .map((f) => (f.includes(delimiter) || /["\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f))
    .join(delimiter);
}
