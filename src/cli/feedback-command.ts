import { readFile, stat } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { SpotError } from '../common/errors.js';
import { appendFeedback } from '../feedback/append.js';
import { parse } from 'csv-parse/sync';
import { detectDelimiter } from '../feedback/delimited.js';
import { feedbackTarget } from '../feedback/target-file.js';
import { withFileLock } from '../common/file-lock.js';
import { printable } from '../common/display.js';
import { feedbackValuesOfResult } from '../feedback/rate.js';
import { feedbackLayoutFor, feedbackLayouts } from '../feedback/layouts.js';
import { usedColumns, type FeedbackLayout } from '../feedback/layout.js';
import { rowProblems } from '../feedback/rows.js';
import { matchEventInDay } from '../feedback/day-check.js';
import { Progress } from '../common/progress.js';
import { feedbackFileOf, loadWrapperConf } from './spot-conf.js';

interface FeedbackFlags {
  type: string;
  rating: string;
  file?: string;
  date?: string;
  conf?: string;
  results?: string;
  row?: string;
  input?: string;
  quiet?: boolean;
  wait?: boolean;
  [column: string]: string | boolean | undefined;
}

const OWN_FLAGS = new Set(['type', 'rating', 'file', 'date', 'conf', 'results', 'row', 'input', 'quiet', 'wait']);

/** `spot-ml feedback`: records an analyst's rating of one event in the day's ml_feedback.csv (SPEC §6). */
export function feedbackCommand(): Command {
  const command = new Command('feedback')
    .description(
      "record an analyst's rating of an event (1 high risk, 2 medium, 3 low risk) in ml_feedback.csv, as Spot's front end did;\n" +
        'the event is chosen by its row in a results file (--results FILE --row N) or by its fields (--sip ... --dport ...);\n' +
        'low-risk (3) events join the next run\'s training corpus --dupfactor times',
    )
    .addOption(new Option('--type <type>', 'analysis type (required)').choices(['flow', 'dns', 'proxy']))
    .addOption(new Option('--rating <1|2|3>', '1 high risk, 2 medium, 3 low risk (required)').choices(['1', '2', '3']))
    .option('--file <path>', 'the ml_feedback.csv to append to')
    .option('--date <YYYYMMDD>', 'with --type: append to ${HPATH}/feedback/ml_feedback.csv of that day (HPATH from spot.conf)')
    .option('--conf <file>', 'spot.conf for --date (default: $SPOT_CONF, ./spot.conf, /etc/spot.conf)')
    .option('--results <file>', 'a results file (<type>_results.csv) to take the event from')
    .option('--row <N>', 'the event\'s row in --results, 1 = the first (least probable) event')
    .option('--input <path>', "the event's day (Parquet file, folder or glob) to check the event against (default: <TYPE>_PATH of spot.conf with --date)")
    .option('--wait', 'when another writer holds the feedback file, wait for it instead of stopping', false)
    .option('-q, --quiet', 'no warnings or progress on stderr', false);
  for (const name of columnFlagNames()) command.addOption(new Option(`--${name} <value>`, `the event's ${name}`).hideHelp());
  command.addHelpText('after', fieldsHelp());
  return command.action(async (flags: FeedbackFlags) => {
    const missing = ['type', 'rating'].filter((n) => flags[n] === undefined).map((n) => `--${n}`);
    if (missing.length > 0) throw new SpotError(`missing ${missing.join(' and ')} (see spot-ml feedback --help)`);
    const layout = feedbackLayoutFor(flags.type);
    const progress = new Progress(flags.quiet);
    const { file, dayInput } = await feedbackLocation(flags);
    const values = { ...(await eventFromResults(flags, layout)), ...eventFromFlags(flags, layout), [layout.rating]: flags.rating };
    checkEventFields(values, layout);
    if (dayInput) await warnWhenNotInDay(layout, dayInput, values, progress);
    const target = await feedbackTarget(file);
    const line = await withFileLock(target, () => appendFeedback(target, layout, values), { wait: flags.wait === true });
    process.stdout.write(`recorded in ${printable(file)}:\n${printable(line)}\n`);
  });
}

/** All of an event's missing and bad fields at once, named as the flags that give them. */
function checkEventFields(values: Record<string, string>, layout: FeedbackLayout): void {
  const problems = rowProblems(values, layout);
  if (problems.length === 0) return;
  const missing = problems.filter((p) => p.endsWith(' is empty')).map((p) => `--${p.slice(0, -' is empty'.length)}`);
  const bad = problems.filter((p) => !p.endsWith(' is empty')).map((p) => `--${p}`);
  const parts = [...(missing.length ? [`missing ${missing.join(', ')}`] : []), ...bad];
  throw new SpotError(`not recorded: ${parts.join('; ')} (${layout.type} needs ${requiredFields(layout).map((c) => `--${c}`).join(', ')})`);
}

/** Warns (stderr; -q silences it) when no clean record of the event's day is the rated event. Still recorded: feedback from other days is used too. */
async function warnWhenNotInDay(layout: FeedbackLayout, dayInput: string, values: Record<string, string>, progress: Progress): Promise<void> {
  const { matches, compared } = await matchEventInDay(layout.type, dayInput, values, progress);
  if (matches > 0) return;
  const unused = layout.type === 'flow' && !values.proto?.trim() && values[layout.rating] === '3'
    ? '; without --proto the next analysis of this day will not use it'
    : '';
  progress.note(`spot-ml: warning: no ${layout.type} record of ${dayInput} has this event's ${compared}; recorded anyway${unused}`);
}

/** Required (*) and optional event fields of each type, and the columns recorded but not read by the model. */
function fieldsHelp(): string {
  const lines = ['', 'Event fields, given as --FIELD VALUE (* = required; or take them all with --results FILE --row N):'];
  for (const layout of feedbackLayouts) {
    const fields = usedColumns(layout).filter((c) => c.name !== layout.rating);
    const shown = fields.map((c) => `--${c.name}${requiredFields(layout).includes(c.name) ? '*' : ''}`);
    lines.push(`  ${layout.type.padEnd(6)} ${shown.join(' ')}`);
    const carried = layout.columns.filter((c) => c.kind === 'ignored').map((c) => `--${c.name}`);
    if (carried.length) lines.push(`         recorded, not read by the model: ${carried.join(' ')}`);
  }
  lines.push('  flow --tstart is "YYYY-MM-DD HH:MM:SS"; dns --frame_time is tshark\'s "May  5 2016 13:01:02.5 UTC"; proxy --p_time is HH:MM:SS');
  return `${lines.join('\n')}\n`;
}

function requiredFields(layout: FeedbackLayout): string[] {
  return usedColumns(layout)
    .filter((c) => c.name !== layout.rating && !c.nullable && c.position !== undefined)
    .map((c) => c.name);
}

function columnFlagNames(): string[] {
  const ratings = new Set(feedbackLayouts.map((l) => l.rating));
  const names = feedbackLayouts.flatMap((l) => l.columns.map((c) => c.name));
  return [...new Set(names)].filter((n) => !OWN_FLAGS.has(n) && !ratings.has(n));
}

/** The feedback file to append to, and the event's day to check it against (when known). */
async function feedbackLocation(flags: FeedbackFlags): Promise<{ file: string; dayInput?: string }> {
  if (flags.file && flags.date) throw new SpotError('give --file or --date, not both');
  if (flags.file) {
    if (flags.input) await checkInputExists(flags.input);
    return { file: flags.file, dayInput: flags.input };
  }
  if (!flags.date) throw new SpotError('where is the feedback file? give --file PATH, or --date YYYYMMDD (with spot.conf)');
  const conf = await loadWrapperConf(flags.conf, flags.type, flags.date);
  const dayInput = flags.input ?? conf.value(`${flags.type.toUpperCase()}_PATH`);
  if (dayInput) await checkInputExists(dayInput);
  return { file: feedbackFileOf(conf.hpath), dayInput };
}

async function checkInputExists(input: string): Promise<void> {
  if (/[*?[]/.test(input)) return;
  await stat(input).catch(() => {
    throw new SpotError(`--input ${input}: input not found (the event's day, to check the event against)`);
  });
}

function eventFromFlags(flags: FeedbackFlags, layout: FeedbackLayout): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of columnFlagNames()) {
    const value = flags[name];
    if (typeof value !== 'string') continue;
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
  const source = printable(flags.results);
  const text = await readFile(flags.results, 'utf8').catch((err: Error) => {
    throw new SpotError(`cannot read the results file ${source}: ${printable(err.message)}`);
  });
  // Records, not lines: a quoted field may hold a line break (the results writer quotes such values).
  const delimiter = detectDelimiter(text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0]);
  let records: string[][];
  try {
    records = parse(text, { delimiter, bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (err) {
    throw new SpotError(`cannot read the results file ${source} as ${delimiter === '\t' ? 'tab' : 'comma'}-separated records: ${printable(err instanceof Error ? err.message : String(err))}`);
  }
  const hasHeader = records[0]?.[0] === layout.resultsColumns[0];
  const rows = records.slice(hasHeader ? 1 : 0);
  if (n > rows.length) throw new SpotError(`${source} has ${rows.length} rows; there is no row ${n}`);
  const fields = rows[n - 1];
  if (fields.length !== layout.resultsColumns.length)
    throw new SpotError(`row ${n} of ${source} is not a ${layout.type} result (${layout.resultsColumns.length} fields expected)`);
  return feedbackValuesOfResult(layout, new Map(layout.resultsColumns.map((c, i) => [c, fields[i]])));
}
