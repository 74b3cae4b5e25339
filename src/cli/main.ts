#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { SpotError } from '../common/errors.js';
import { printable } from '../common/display.js';
import { DEFAULT_MEMORY_LIMIT } from '../engine/duckdb.js';
import { DEFAULT_KEEP_RUNS } from '../output/run-folder.js';
import { DEFAULTS, ldaOptions, parseNumber } from './options.js';
import { clusterOptions } from './cluster-options.js';
import { analyzeCommand, type AnalysisFlags } from './analyze.js';
import { demoCommand } from './demo.js';
import { feedbackCommand } from './feedback-command.js';
import { ldaCommand } from './lda-command.js';
import { finishCommandTree, packageVersion } from './command-tree.js';
import { ingestCommand } from './ingest-command.js';
import { loadCommand } from './load-command.js';
import { showCommand } from './show-command.js';
import { serveCommand } from './serve-command.js';

const program = new Command('spot-ml')
  .description(
    'Suspicious-connects analysis of a day of netflow, DNS or proxy events (Apache Spot ML on embedded DuckDB).\n\n' +
      'Forms:\n' +
      '  spot-ml --analysis flow --input DAY --scored DIR [options]\n' +
      '  spot-ml YYYYMMDD TYPE [THRESHOLD] [MAXRESULTS]     (paths and defaults from spot.conf)\n' +
      '  spot-ml demo | lda | feedback | ingest | load | show | serve ...  (see spot-ml help COMMAND)',
  )
  .argument('[YYYYMMDD TYPE THRESHOLD MAXRESULTS...]', "Spot's ml_ops.sh form: date, type, threshold, max results")
  .addOption(new Option('--analysis <type>', 'analysis type (default: none; required unless YYYYMMDD TYPE is given)').choices(['flow', 'dns', 'proxy']))
  .option('--input <path>', 'Parquet input: a file, a folder (read recursively) or a glob (default: none; required)')
  .option('--scored <dir>', 'folder for <type>_results.csv, invalid_records/ and model/ (default: none; required)')
  .option('--feedback <file>', 'analyst feedback file (ml_feedback.csv); a missing file is a warning (default: none)')
  .addOption(new Option('--dupfactor <N>', 'times each low-risk (3) feedback event joins the corpus').default(DEFAULTS.dupFactor).argParser(parseNumber('--dupfactor', { integer: true, min: 0 })))
  .option('--userdomain <name>', "your organisation's domain label, e.g. intel for intel.com (default: none)")
  .option('--top-domains <file>', 'ranked domain list, rank,domain lines (top-1m CSV form) (default: the list shipped in data/)')
  .addOption(new Option('--threshold <X>', 'report events with score <= X').default(DEFAULTS.threshold).argParser(parseNumber('--threshold')))
  .addOption(new Option('--maxresults <N>', 'report at most N events (-1: no limit)').default(DEFAULTS.maxResults).argParser(parseNumber('--maxresults', { integer: true })))
  .addOption(new Option('--scoring <mode>', 'spot: Spot\'s LDA word probability; robust: rarity inside the event, across hosts and per destination (README)').choices(['spot', 'robust']).default('spot'))
  .option('--delimiter <c>', 'results field delimiter (\\t for tab)', DEFAULTS.delimiter)
  .option('--header', 'write a header line in the results file', false)
  .option('--memory-limit <size>', `the engine's working memory before it spills to disk (default: ${DEFAULT_MEMORY_LIMIT})`)
  .option('--spill-dir <dir>', 'where the engine spills (default: a fresh folder under the OS temp dir, removed afterwards)')
  .addOption(new Option('--keep-runs <N>', 'earlier runs kept in <scored>.runs/ besides the current one (the previous run is always kept)').default(DEFAULT_KEEP_RUNS).argParser(parseNumber('--keep-runs', { integer: true, min: 1 })))
  .option('--wait', 'when another run is writing to --scored, wait for it instead of stopping', false)
  .option('--conf <file>', 'spot.conf for the YYYYMMDD TYPE form (default: $SPOT_CONF, ./spot.conf, /etc/spot.conf)')
  .option('-q, --quiet', 'no progress on stderr', false);
for (const opt of ldaOptions()) program.addOption(opt);
for (const opt of clusterOptions()) program.addOption(opt);

program.action(async (positional: string[], flags: AnalysisFlags) => {
  await analyzeCommand(flags, positional, (name) => program.getOptionValueSource(name) === 'cli');
});

program
  .command('demo')
  .description('generate a realistic synthetic day, analyse it and show the most suspicious events')
  .option('--out <dir>', 'folder for the generated day and the results', 'demo-output')
  .addOption(new Option('--hosts <N>', 'number of internal hosts').default(2000).argParser(parseNumber('--hosts', { integer: true, min: 10 })))
  .option('--raw', 'write each day as raw logs (nfdump CSV, tshark CSV, Squid access.log) and ingest those first', false)
  .option('-q, --quiet', 'no progress on stderr', false)
  .action(demoCommand);

// Options after a subcommand's name are the subcommand's own (`feedback --conf` is not the analysis' --conf).
program.enablePositionalOptions();
program.addCommand(feedbackCommand());
program.addCommand(ldaCommand());
program.addCommand(ingestCommand());
program.addCommand(loadCommand());
program.addCommand(showCommand());
program.addCommand(serveCommand());

program.helpCommand('help [command]', 'show help for a command');
program.version(packageVersion(), '-V, --version', 'print the version');
finishCommandTree(program);

try {
  await program.parseAsync(wrapperFormArgv(process.argv));
} catch (err) {
  process.exitCode = reportError(err);
}

/**
 * `spot-ml 20160505 flow 1e-20 -1 [--flags]`: the positional words go after `--`, so a negative
 * MAXRESULTS is not taken for an option.
 */
function wrapperFormArgv(argv: string[]): string[] {
  const args = argv.slice(2);
  if (!/^\d{8}$/.test(args[0] ?? '')) return argv;
  let n = 0;
  while (n < args.length && n < 4 && (!args[n].startsWith('-') || /^-\d/.test(args[n]))) n++;
  return [...argv.slice(0, 2), ...args.slice(n), '--', ...args.slice(0, n)];
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.exitCode === 0) return 0;
    process.stderr.write(`spot-ml: ${printable(err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' '))} (${(err as { helpHint?: string }).helpHint ?? 'see spot-ml --help'})\n`);
    return 2;
  }
  if (err instanceof SpotError) {
    process.stderr.write(`spot-ml: error: ${printableLines(err.message)}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? (process.env.SPOT_DEBUG ? err.stack : err.message) : String(err);
  process.stderr.write(`spot-ml: unexpected error: ${printableLines(message ?? '')}\n`);
  return 1;
}

/** A message's lines with any control character from a path or a file's content escaped, never sent raw to the terminal. */
function printableLines(message: string): string {
  return message.split('\n').map(printable).join('\n');
}
