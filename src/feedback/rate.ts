import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { withFileLock } from '../common/file-lock.js';
import { SpotError } from '../common/errors.js';
import { appendFeedback } from './append.js';
import { feedbackTarget } from './target-file.js';
import { splitLines } from './delimited.js';
import { usedColumns, type FeedbackLayout } from './layout.js';
import { parseFeedback } from './read.js';

/** A results row (by results column name) as feedback values, as `spot-ml feedback --results --row` takes them. */
export function feedbackValuesOfResult(layout: FeedbackLayout, row: ReadonlyMap<string, string | undefined>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const c of layout.columns) {
    const value = row.get(c.fromResults ?? c.name);
    if (value !== undefined) values[c.name] = value;
  }
  return values;
}

/** The columns that identify an event in a feedback file: those the model reads that are never empty. */
export function eventKeyColumns(layout: FeedbackLayout): string[] {
  return usedColumns(layout)
    .filter((c) => c.kind !== 'rating' && !c.nullable)
    .map((c) => c.name);
}

export function eventKey(layout: FeedbackLayout, values: Readonly<Record<string, string | undefined>>): string {
  return eventKeyColumns(layout)
    .map((n) => (values[n] ?? '').trim())
    .join('\u0001');
}

/** The rating of each event in a feedback file's text, by eventKey (a later line wins). */
export function ratingsOf(text: string | undefined, layout: FeedbackLayout): Map<string, number> {
  const out = new Map<string, number>();
  if (!text) return out;
  for (const r of parseFeedback(text, layout).rows) out.set(eventKey(layout, r.values), Number(r.values[layout.rating].trim()));
  return out;
}

/**
 * Records an analyst's rating of one event: the line `spot-ml feedback` would append, replacing any earlier
 * line for the same event (eventKey); every other line is kept as it was. Under the feedback file's lock,
 * the new text is written aside and renamed into place, so the file is never half-written. Returns the line.
 */
export async function rateEvent(given: string, layout: FeedbackLayout, values: Readonly<Record<string, string>>): Promise<string> {
  // The real file, as `spot-ml feedback` writes it: the same lock, and a symbolic link is never replaced by a file.
  const path = await feedbackTarget(given);
  await mkdir(dirname(path), { recursive: true });
  return withFileLock(
    path,
    async () => {
      const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined;
        throw new SpotError(`cannot read the feedback file ${path}: ${err.message}`);
      });
      const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.rating.tmp`);
      try {
        if (text !== undefined) await writeFile(tmp, withoutEvent(text, layout, eventKey(layout, values)));
        const line = await appendFeedback(tmp, layout, values);
        await rename(tmp, path);
        return line;
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
    },
    { wait: true },
  );
}

/** The file's text without the lines rating the event `key` (other lines, line ends and a byte-order mark kept). */
function withoutEvent(text: string, layout: FeedbackLayout, key: string): string {
  const drop = new Set(parseFeedback(text, layout).rows.filter((r) => eventKey(layout, r.values) === key).map((r) => r.line));
  if (drop.size === 0) return text;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const kept = splitLines(text).filter((_, i) => !drop.has(i + 1));
  return bom + kept.join(eol) + eol;
}
