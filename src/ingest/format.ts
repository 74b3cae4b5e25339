export type IngestType = 'flow' | 'dns' | 'proxy';
export const INGEST_TYPES: readonly IngestType[] = ['flow', 'dns', 'proxy'];

/** A file that is not of the format at all (its header is missing or of another log): the message says why. */
export class NotTheFormat extends Error {}

/**
 * How a format's lines become rows, in SQL run by the engine. Both selects read the relation `l(n, line)`
 * (n the 1-based line number; line NULL for an empty line). `select` gives, for every line: `n`, `line`,
 * `skip` (a header, comment or footer line: read, not an event; decided by the line's content alone, as
 * the pass that writes the events reads the lines in any order, unnumbered), `filtered` (well-formed, but not an
 * event of the type, e.g. a DNS query without a response), `bad` (the line cannot be read), `footer`
 * (from this line on everything is footer) and the type's staging columns by name (TABLES[type].staging).
 * `reasons` gives `n` and `reason` (why a bad line cannot be read); it is run on the bad lines only.
 */
export interface FormatPlan {
  select: string;
  reasons: string;
  /**
   * When `footer` can hold (it needs the lines numbered in order): the condition on a line's text alone
   * that starts the footer (after the header), so a pass over unnumbered lines can tell there is none.
   */
  footerLine?: string;
}

/** A program that turns a binary source (pcap, nfcapd) into text lines. */
export interface SourceTool {
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** The Debian package that provides the command, for the message when it is missing. */
  debianPackage: string;
}

export interface Format {
  name: string;
  type: IngestType;
  /** One line for --help. */
  description: string;
  tool?(file: string): SourceTool;
  /** For binary sources: why a file's first bytes are not of this format, if they are not. */
  sniff?(head: Buffer): string | undefined;
  /**
   * The SQL for a file, given its first lines (head[0] is line 1; the header is read from them).
   * Throws NotTheFormat when they show the file is not of this format.
   */
  plan(head: readonly string[]): FormatPlan;
}

/** How many first lines of a file the formats see to find their header. */
export const HEAD_LINES = 200;
