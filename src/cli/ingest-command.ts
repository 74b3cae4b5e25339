import { Command, Option } from 'commander';
import { SpotError } from '../common/errors.js';
import { formatCount } from '../common/progress.js';
import { DuckDbEngine } from '../engine/duckdb.js';
import { INGEST_TYPES, type IngestType } from '../ingest/format.js';
import { FORMATS } from '../ingest/formats/index.js';
import { ingest, type IngestReport } from '../ingest/ingest.js';
import { loadSpotConf } from './spot-conf.js';

interface IngestFlags {
  type: IngestType;
  format: string;
  out?: string;
  conf?: string;
  quiet: boolean;
}

/** `spot-ml ingest`: raw logs (nfdump, tshark, Zeek, Bluecoat, Squid) into Spot's hour-partitioned Parquet layout. */
export function ingestCommand(): Command {
  const formats = INGEST_TYPES.map(
    (t) => `  ${t}:\n${FORMATS.filter((f) => f.type === t).map((f) => `    ${f.name.padEnd(11)} ${f.description}`).join('\n')}`,
  ).join('\n');
  return new Command('ingest')
    .description(
      "read raw logs into Spot's day layout ROOT/y=YYYY/m=MM/d=DD/h=HH/*.parquet " +
        '(without --out, ROOT is the part before /y= of FLOW_PATH, DNS_PATH or PROXY_PATH in spot.conf)',
    )
    .addHelpText('after', `\nFormats (--format):\n${formats}`)
    .argument('<sources...>', 'files, folders (read recursively) or glob patterns; .gz is read as is')
    .addOption(new Option('--type <type>', 'flow, dns or proxy').choices([...INGEST_TYPES]).makeOptionMandatory())
    .requiredOption('--format <name>', 'the sources\' format (listed below)')
    .option('--out <root>', "Spot's root for the type (the folder holding y=YYYY/) (default: from spot.conf)")
    .option('--conf <file>', 'spot.conf for the root when --out is not given (default: $SPOT_CONF, ./spot.conf, /etc/spot.conf)')
    .option('-q, --quiet', 'no progress on stderr', false)
    .action(async (sources: string[], flags: IngestFlags) => {
      const out = flags.out ?? (await rootFromSpotConf(flags.conf, flags.type));
      const engine = await DuckDbEngine.open();
      try {
        const report = await ingest(engine, { type: flags.type, format: flags.format, out, inputs: sources, quiet: flags.quiet });
        process.stdout.write(summaryText(report));
      } finally {
        await engine.close();
      }
    });
}

/** FLOW_PATH=${HUSER}/${DSOURCE}/hive/y=${YR}/m=${MH}/d=${DY}/ → ${HUSER}/flow/hive. */
export async function rootFromSpotConf(conf: string | undefined, type: IngestType): Promise<string> {
  const { path, values } = await loadSpotConf(conf, { DSOURCE: type, FDATE: '00000000', YR: '0000', MH: '00', DY: '00' });
  const key = `${type.toUpperCase()}_PATH`;
  const value = (values[key] ?? '').trim();
  if (!value) throw new SpotError(`${path} does not set ${key}; give --out ROOT`);
  const cut = value.search(/\/y=/);
  if (cut <= 0) throw new SpotError(`${path}: ${key}=${value} has no /y=\${YR}/ part to find the root by; give --out ROOT`);
  return value.slice(0, cut);
}

export function summaryText(r: IngestReport): string {
  const lines = [`ingested into ${r.root} (run ${r.run}, ${r.seconds.toFixed(1)} s)`];
  for (const f of r.files) {
    const what =
      f.status === 'already ingested'
        ? 'already ingested, nothing added'
        : `${formatCount(f.lines)} lines${f.fromLine ? ` after line ${formatCount(f.fromLine)} (grown since last ingested)` : ''}, ` +
          `${formatCount(f.rows)} rows, ${formatCount(f.rejected)} rejected${f.notEvents ? `, ${formatCount(f.notEvents)} not events (queries without a response)` : ''}`;
    lines.push(`  ${f.path}: ${what}`);
  }
  lines.push(
    `files: ${r.files.length}, lines read: ${formatCount(r.linesRead)}, rows written: ${formatCount(r.rows)}, rejected lines: ${formatCount(r.rejected)}` +
      (r.notEvents ? `, not events: ${formatCount(r.notEvents)}` : ''),
  );
  if (r.partitions.length) {
    lines.push('rows per hour partition:');
    for (const p of r.partitions) lines.push(`  ${p.partition}\t${formatCount(p.rows)}`);
  }
  if (r.rejectsFile) lines.push(`rejected lines (file, line, reason, text): ${r.rejectsFile}`);
  return lines.join('\n') + '\n';
}

