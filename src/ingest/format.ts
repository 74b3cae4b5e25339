export type IngestType = 'flow' | 'dns' | 'proxy';
export const INGEST_TYPES: readonly IngestType[] = ['flow', 'dns', 'proxy'];

/** A row in the type's staging field order (TABLES[type].staging); null = the source lacks the value. */
export type Row = (string | null)[];

/** A line that cannot be parsed: counted and saved to the rejects file with its reason. */
export class Reject extends Error {}

/** A header, comment or footer line: read, but not an event. */
export const SKIP = Symbol('skip');
/** A well-formed line that is not an event of the type (a DNS query without a response). */
export const FILTERED = Symbol('filtered');

export type Outcome = Row | typeof SKIP | typeof FILTERED;

/** Parses one file's lines in order. parse throws Reject for a line it cannot read. */
export interface LineParser {
  parse(line: string): Outcome;
  /** After the last line: why the file is not of this format at all (e.g. its header never came), if so. */
  notTheFormat?(): string | undefined;
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
  parser(): LineParser;
}
