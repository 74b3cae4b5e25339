import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { SpotError } from './errors.js';

/** The small hand-written list shipped in the package (see data/README.md). */
export const DEFAULT_TOP_DOMAINS_FILE = fileURLToPath(new URL('../../../data/top-domains.csv', import.meta.url));

/**
 * The top-domains set (SPEC §5): the first labels, in lower case, of a ranked domain list in
 * `rank,domain` lines (Alexa / Tranco / Umbrella top-1m form). A line whose rank is not a whole number
 * (a header) is skipped, as are blank lines and `#` comments; CRLF line ends and quoted fields are
 * accepted, and so are lines holding just a domain. Streamed: a million lines load in about a second.
 */
export async function loadTopDomains(file: string = DEFAULT_TOP_DOMAINS_FILE): Promise<Set<string>> {
  const labels = new Set<string>();
  let rest = '';
  try {
    for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      const text = rest + (chunk as string);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        addLabel(labels, text, start, nl);
        start = nl + 1;
      }
      rest = text.slice(start);
    }
  } catch (err) {
    throw new SpotError(`cannot read the top-domains file ${file}: ${(err as Error).message}`);
  }
  addLabel(labels, rest, 0, rest.length);
  return labels;
}

const loaded = new Map<string, { version: string; labels: Promise<Set<string>> }>();

/**
 * loadTopDomains, read once per file version: an analysis featurises the day, the feedback rows and the
 * candidate events, and a million-line list should be read once, not three times.
 */
export async function topDomainsOf(file: string = DEFAULT_TOP_DOMAINS_FILE): Promise<Set<string>> {
  const info = await stat(file).catch(() => undefined);
  const version = info ? `${info.size}:${info.mtimeMs}` : 'missing';
  const hit = loaded.get(file);
  if (hit?.version === version) return hit.labels;
  const labels = loadTopDomains(file);
  loaded.set(file, { version, labels });
  labels.catch(() => loaded.delete(file));
  return labels;
}

const QUOTE = 34;
const HASH = 35;
const isBlank = (c: number) => c === 32 || c === 9 || c === 13 || c === QUOTE;
const isDigit = (c: number) => c >= 48 && c <= 57;

/** Adds the first label of the line text[from, to); scans characters rather than slicing (hot loop). */
function addLabel(labels: Set<string>, text: string, from: number, to: number): void {
  const comma = text.indexOf(',', from);
  if (comma >= 0 && comma < to) {
    let digits = 0;
    for (let i = from; i < comma; i++) {
      const c = text.charCodeAt(i);
      if (isDigit(c)) digits++;
      else if (!isBlank(c)) return; // a header or a comment
    }
    if (digits === 0) return;
    from = comma + 1;
  }
  while (from < to && isBlank(text.charCodeAt(from))) from++;
  while (to > from && isBlank(text.charCodeAt(to - 1))) to--;
  if (from === to || text.charCodeAt(from) === HASH) return;
  const dot = text.indexOf('.', from);
  labels.add(text.slice(from, dot >= 0 && dot < to ? dot : to).toLowerCase());
}
