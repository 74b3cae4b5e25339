import { Command, Option } from 'commander';
import { DuckDbEngine } from '../engine/duckdb.js';
import type { Engine } from '../engine/engine.js';
import { sqlIdent, sqlString } from '../engine/engine.js';
import { SpotError } from '../common/errors.js';
import { Progress, formatCount } from '../common/progress.js';
import type { Analysis } from '../pipeline/analysis.js';
import { analysisFor } from '../pipeline/analyses.js';
import { resolveInputFiles } from '../pipeline/input.js';
import { checkSchema } from '../pipeline/schema-check.js';
import { ClickHouseCluster, DEFAULT_CLUSTER, DEFAULT_DATABASE, DEFAULT_TIMEOUT_SECONDS } from '../engine/clickhouse/cluster.js';
import { tableColumns } from '../engine/clickhouse/tables.js';
import { loadDay, type DayToLoad } from '../engine/clickhouse/load.js';
import { isoDay } from './cluster-options.js';
import { parseNumber } from './options.js';

interface LoadFlags {
  analysis: string;
  input: string;
  date: string;
  clickhouseUrl: string;
  clickhouseDatabase: string;
  clickhouseCluster: string;
  clickhouseTimeout: number;
  quiet: boolean;
}

/** `spot-ml load`: a Spot Parquet day into the cluster's `<type>` table, replacing that day if it was there. */
export function loadCommand(): Command {
  return new Command('load')
    .description(
      "put a day of Spot Parquet into a ClickHouse cluster's <type> table (created on every server when missing); " +
        'loading a day again replaces it. The password is read from SPOT_CLICKHOUSE_PASSWORD, the user from SPOT_CLICKHOUSE_USER (default: default)',
    )
    .addOption(new Option('--analysis <type>', 'which table: flow, dns or proxy (default: none; required)').choices(['flow', 'dns', 'proxy']).makeOptionMandatory())
    .requiredOption('--input <path>', 'Parquet input: a file, a folder (read recursively) or a glob (default: none; required)')
    .requiredOption('--date <YYYYMMDD>', 'the day the rows are stored under (default: none; required)')
    .requiredOption('--clickhouse-url <urls>', 'HTTP URL of each server, one per shard, comma-separated; the first runs distributed queries (default: none; required)')
    .option('--clickhouse-database <name>', 'database of the tables', DEFAULT_DATABASE)
    .option('--clickhouse-cluster <name>', 'cluster name in the servers\' remote_servers configuration', DEFAULT_CLUSTER)
    .addOption(
      new Option('--clickhouse-timeout <seconds>', 'give up on a server (or a shard behind it) silent for this long')
        .default(DEFAULT_TIMEOUT_SECONDS)
        .argParser(parseNumber('--clickhouse-timeout', { exclusiveMin: 0 })),
    )
    .option('-q, --quiet', 'no progress on stderr', false)
    .action(async (flags: LoadFlags) => {
      await runLoad(flags);
    });
}

async function runLoad(flags: LoadFlags): Promise<void> {
  const day = isoDay(flags.date);
  const analysis = analysisFor(flags.analysis);
  const progress = new Progress(flags.quiet);
  const duck = await DuckDbEngine.open();
  try {
    progress.follow(() => duck.queryProgress());
    const load = await readDay(duck, analysis, flags.input, day);
    const cluster = await ClickHouseCluster.connect({
      url: flags.clickhouseUrl,
      database: flags.clickhouseDatabase,
      cluster: flags.clickhouseCluster,
      timeoutSeconds: flags.clickhouseTimeout,
    });
    try {
      const result = await loadDay(cluster, duck, load, progress);
      const shards = result.perNode.map((n, i) => `${cluster.nodes[i].name} ${formatCount(n)}`).join(', ');
      const rate = result.seconds > 0 ? `, ${formatCount(Math.round(load.rows / result.seconds))} rows/s` : '';
      process.stdout.write(
        `loaded ${formatCount(load.rows)} ${analysis.type} rows of ${flags.date} into ${cluster.database}.${analysis.type} ` +
          `in ${result.seconds.toFixed(1)} s${rate} (rows per shard: ${shards})\n`,
      );
    } finally {
      await cluster.close();
    }
  } finally {
    await duck.close();
  }
}

/** Attaches and checks the Parquet day as the embedded run does (same messages); the select that loads it. */
async function readDay(duck: Engine, analysis: Analysis, input: string, day: string): Promise<DayToLoad> {
  const files = await resolveInputFiles(duck, input);
  let found;
  try {
    await duck.attachParquet('raw_input', files);
    found = await duck.describe('raw_input');
  } catch (err) {
    throw new SpotError(`cannot read the input as Parquet (${input}): ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
  }
  const castToText = new Set(checkSchema(found, analysis.schema, input));
  const columns = tableColumns(analysis.schema, found, input);
  const [{ n }] = await duck.rows('SELECT count(*) AS n FROM raw_input');
  const rows = Number(n);
  if (rows === 0) throw new SpotError(`the input has no rows: ${input} (${files.length} file(s))`);
  const select = analysis.schema.map((c) => (castToText.has(c.name) ? `CAST(${sqlIdent(c.name)} AS VARCHAR)` : sqlIdent(c.name)));
  const selectSql = `SELECT ${select.join(', ')}, spot_file, file_row_number AS spot_row,
      CAST(DATE ${sqlString(day)} - DATE '1970-01-01' AS INTEGER) AS spot_day FROM raw_input`;
  return { type: analysis.type, day, columns, selectSql, rows };
}
