import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { SpotError } from '../common/errors.js';
import { appendFeedback } from '../feedback/append.js';
import { feedbackValuesOfResult } from '../feedback/rate.js';
import { detectDelimiter, parseLine, splitLines } from '../feedback/delimited.js';
import { feedbackLayoutFor, feedbackLayouts } from '../feedback/layouts.js';
import type { FeedbackLayout } from '../feedback/layout.js';
import { feedbackFileOf, loadWrapperConf } from './spot-conf.js';

interface FeedbackFlags {
  type: string;
  rating: string;
  file?: string;
  date?: string;
  conf?: string;
  results?: string;
  row?: string;
  [column: string]: string | undefined;
}

const OWN_FLAGS = new Set(['type', 'rating', 'file', 'date', 'conf', 'results', 'row']);

/** `spot-ml feedback`: records an analyst's rating of one event in the day's ml_feedback.csv (SPEC §6). */
export function feedbackCommand(): Command {
  const command = new Command('feedback')
    .description(
      "record an analyst's rating of an event (1 high risk, 2 medium, 3 low risk) in ml_feedback.csv, as Spot's front end did;\n" +
        'the event is chosen by its row in a results file (--results FILE --row N) or by its fields (--sip ... --dport ...);\n' +
        'low-risk (3) events join the next run\'s training corpus --dupfactor times',
    )
    .addOption(new Option('--type <type>', 'analysis type').choices(['flow', 'dns', 'proxy']).makeOptionMandatory())
    .addOption(new Option('--rating <1|2|3>', '1 high risk, 2 medium, 3 low risk').choices(['1', '2', '3']).makeOptionMandatory())
    .option('--file <path>', 'the ml_feedback.csv to append to')
    .option('--date <YYYYMMDD>', 'with --type: append to ${HPATH}/feedback/ml_feedback.csv of that day (HPATH from spot.conf)')
    .option('--conf <file>', 'spot.conf for --date (default: $SPOT_CONF, ./spot.conf, /etc/spot.conf)')
    .option('--results <file>', 'a results file (<type>_results.csv) to take the event from')
    .option('--row <N>', 'the event\'s row in --results, 1 = the first (least probable) event');
  for (const name of columnFlagNames()) command.option(`--${name} <value>`, `the event's ${name} (${typesWith(name)})`);
  return command.action(async (flags: FeedbackFlags) => {
    const layout = feedbackLayoutFor(flags.type);
    const file = await feedbackFile(flags);
    const values = { ...(await eventFromResults(flags, layout)), ...eventFromFlags(flags, layout), [layout.rating]: flags.rating };
    const line = await appendFeedback(file, layout, values);
    process.stdout.write(`recorded in ${file}:\n${line}\n`);
  });
}

function columnFlagNames(): string[] {
  const ratings = new Set(feedbackLayouts.map((l) => l.rating));
  const names = feedbackLayouts.flatMap((l) => l.columns.map((c) => c.name));
  return [...new Set(names)].filter((n) => !OWN_FLAGS.has(n) && !ratings.has(n));
}

function typesWith(name: string): string {
  return feedbackLayouts.filter((l) => l.columns.some((c) => c.name === name)).map((l) => l.type).join(', ');
}

async function feedbackFile(flags: FeedbackFlags): Promise<string> {
  if (flags.file && flags.date) throw new SpotError('give --file or --date, not both');
  if (flags.file) return flags.file;
  if (!flags.date) throw new SpotError('where is the feedback file? give --file PATH, or --date YYYYMMDD (with spot.conf)');
  const conf = await loadWrapperConf(flags.conf, flags.type, flags.date);
  return feedbackFileOf(conf.hpath);
}

function eventFromFlags(flags: FeedbackFlags, layout: FeedbackLayout): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of columnFlagNames()) {
    const value = flags[name];
    if (value === undefined) continue;
    if (!layout.columns.some((c) => c.name === name)) throw new SpotError(`--${name} is not a column of ${layout.type} feedback`);
    values[name] = value;
  }
  return values;
}

/** The event at row N of a results file (tab or comma, with or without a header line) as feedback values. */
async function eventFromResults(flags: FeedbackFlags, layout: FeedbackLayout): Promise<Record<string, string>> {
  if (!flags.results && !flags.row) return {};
  if (!flags.results || !flags.row) throw new SpotError('--results and --row go together');
  const n = Number(flags.row);
  if (!Number.isInteger(n) || n < 1) throw new SpotError(`--row must be a whole number from 1, got "${flags.row}"`);
  const text = await readFile(flags.results, 'utf8').catch((err: Error) => {
    throw new SpotError(`cannot read the results file ${flags.results}: ${err.message}`);
  });
  const lines = splitLines(text);
  const delimiter = detectDelimiter(lines[0] ?? '');
  const first = parseLine(lines[0] ?? '', delimiter);
  const hasHeader = 'fields' in first && first.fields[0] === layout.resultsColumns[0];
  const rows = lines.slice(hasHeader ? 1 : 0);
  if (n > rows.length) throw new SpotError(`${flags.results} has ${rows.length} rows; there is no row ${n}`);
  const parsed = parseLine(rows[n - 1], delimiter);
  const fields = 'fields' in parsed ? parsed.fields : [];
  if (fields.length !== layout.resultsColumns.length)
    throw new SpotError(`row ${n} of ${flags.results} is not a ${layout.type} result (${layout.resultsColumns.length} fields expected)`);
  return feedbackValuesOfResult(layout, new Map(layout.resultsColumns.map((c, i) => [c, fields[i]])));
}
