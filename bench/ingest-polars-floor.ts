/**
 * Issue 14, session 9: the floor of ingest through Polars (`nodejs-polars`: Rust, multi-threaded CSV
 * reader, native Parquet writer) for a light format (Zeek conn.log) and a heavy one (Bluecoat ELFF), on
 * the cached bench files (bench/out/ingest/<format>-<LINES>.log, made by bench/ingest.ts).
 *
 * Each step runs in a child process of its own (so a step's CPU s is its process' user + system time,
 * Polars' threads included, and the module's load is counted), steps interleaved run by run. Spot's
 * columns are computed with their exact types and the checks that decide a reject (rejected rows are
 * left out); the hour is the partition's.
 *   - read:              Polars' CSV reader (scanCSV, collected), every field a string column;
 *   - columns:           read + Spot's columns, in-memory engine, not written;
 *   - columns-streaming: the same on the streaming engine;
 *   - write, write-streaming: columns collected (in-memory / streaming engine), then each hour filtered
 *                        and sunk to its own snappy Parquet file;
 *   - chunks:            bounded memory: 64 MiB byte ranges cut after a line end, each read from a Buffer
 *                        (readCSV), converted and written by hour (one file per hour and range);
 *   - sink:              scanCSV → columns → sinkParquet, streamed, one file (no hours): the cheapest path;
 *   - sink-hours:        sink to one file with the hour key, then each hour read back and sunk to its file;
 *   - lines-hours:       as ingest's contract needs (zeek-conn only): each line one string, numbered, split
 *                        by expressions (the field count checked), rejected lines kept with number and text
 *                        in the same streamed pass, then the hours as in sink-hours;
 *   - read-lines:        the reader giving each line as one string (no split);
 *   - today:             today's ingest (DuckDB) of the same file, in the same minutes.
 * The other text formats (nfdump-csv, tshark-csv, squid, zeek-dns, zeek-http) have the steps read,
 * read-lines and today only: the reader's floor.
 * With --compare the rows of the first hour-writing step are compared with today's ingest's (EXCEPT ALL
 * both ways).
 *
 * nodejs-polars is not a dependency of the project (the floor said no: BENCHMARKS, issue 14, session 9):
 *   npm i --no-save -E nodejs-polars@0.24.1   # 0.25's binaries require Node 22 (npm skips them on Node 20)
 *   npx tsc -p . && node dist/bench/ingest-polars-floor.js [--lines N] [--runs N] [--steps a,b] [--compare] [zeek-conn] [bluecoat]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDbEngine } from '../src/engine/duckdb.js';
import { sqlString } from '../src/engine/engine.js';
import type { IngestType } from '../src/ingest/format.js';
import { ingest } from '../src/ingest/ingest.js';
import { outRoot } from './days.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- nodejs-polars is loaded dynamically, untyped here */
type Pl = any;
type Expr = any;

const STEPS = ['read', 'columns', 'columns-streaming', 'write', 'write-streaming', 'chunks', 'sink', 'sink-hours', 'lines-hours', 'read-lines', 'today'] as const;
type Step = (typeof STEPS)[number];

interface Floor {
  type: IngestType;
  /** The CSV reader's options for the file. */
  csv: Record<string, unknown>;
  names: readonly string[];
  /** Spot's columns (all of the type's, in order) and `bad` (a check failed), from the string fields. */
  columns(pl: Pl): { prepare: Expr[][]; bad: Expr; select: Expr[] };
  /** The hour partition's text `YYYY-MM-DD HH` over Spot's columns. */
  hour(pl: Pl): Expr;
}

const MAX_SECONDS = 32503680000;
const INT32 = 2147483647;

/** A whole number as ingest checks it (digits and a sign only), as Int64; null when not one. */
const whole = (pl: Pl, e: Expr) => pl.when(e.str.contains('^-?[0-9]+$')).then(e.cast(pl.Int64, false)).otherwise(pl.lit(null, pl.Int64));
const outside = (e: Expr, min: number, max: number) => e.isNull().or(e.lt(min)).or(e.gt(max));

const ZEEK_CONN_FIELDS = 'ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto service duration orig_bytes resp_bytes conn_state local_orig local_resp missed_bytes history orig_pkts orig_ip_bytes resp_pkts resp_ip_bytes tunnel_parents'.split(' ');
const BLUECOAT_FIELDS: readonly [string, string][] = [
  ['date', 'p_date'], ['time', 'p_time'], ['time-taken', 'duration'], ['c-ip', 'clientip'], ['cs-username', 'username'],
  ['cs-auth-group', 'authgroup'], ['x-exception-id', 'exceptionid'], ['sc-filter-result', 'filterresult'], ['cs-categories', 'webcat'],
  ['cs(Referer)', 'referer'], ['sc-status', 'respcode'], ['s-action', 'action'], ['cs-method', 'reqmethod'], ['rs(Content-Type)', 'resconttype'],
  ['cs-uri-scheme', 'urischeme'], ['cs-host', 'host'], ['cs-uri-port', 'uriport'], ['cs-uri-path', 'uripath'], ['cs-uri-query', 'uriquery'],
  ['cs-uri-extension', 'uriextension'], ['cs(User-Agent)', 'useragent'], ['s-ip', 'serverip'], ['sc-bytes', 'scbytes'], ['cs-bytes', 'csbytes'],
  ['x-virus-id', 'virusid'], ['x-bluecoat-application-name', 'bcappname'], ['x-bluecoat-application-operation', 'bcappoper'],
];
const PROXY_ORDER = 'p_date p_time clientip host reqmethod useragent resconttype duration username authgroup exceptionid filterresult webcat referer respcode action urischeme uriport uripath uriquery uriextension serverip scbytes csbytes virusid bcappname bcappoper fulluri'.split(' ');

const FLOORS: Record<string, Floor> = {
  'zeek-conn': {
    type: 'flow',
    csv: { sep: '\t', commentPrefix: '#', nullValues: '-' },
    names: ZEEK_CONN_FIELDS,
    columns(pl) {
      const col = pl.col;
      // Zeek's (empty) is an empty set or string; '-' (unset) is already null (the reader's nullValues).
      const get = (f: string) => pl.when(col(f).eq(pl.lit('(empty)'))).then(pl.lit('')).otherwise(col(f));
      const ints = ['id.orig_p', 'id.resp_p', 'orig_pkts', 'orig_ip_bytes', 'resp_pkts', 'resp_ip_bytes'];
      const prepare = [
        [col('ts').cast(pl.Float64, false).alias('_tsd'), ...ints.map((f) => whole(pl, get(f)).alias(`_${f}`))],
        [col('_tsd').floor().cast(pl.Int64, false).alias('_secs')],
        [col('_secs').mul(1000).cast(pl.Datetime('ms')).alias('_t')],
      ];
      const count = (f: string) => pl.when(col(f).isNull()).then(pl.lit(0)).otherwise(col(`_${f}`)).cast(pl.Int64);
      const bad = pl.anyHorizontal([
        outside(col('_tsd'), 0, MAX_SECONDS), col('id.orig_h').isNull(), col('id.resp_h').isNull(), col('proto').isNull(),
        outside(col('_id.orig_p'), 0, 65535), outside(col('_id.resp_p'), 0, 65535),
        ...['orig_pkts', 'orig_ip_bytes', 'resp_pkts', 'resp_ip_bytes'].map((f) => col(f).isNotNull().and(outside(col(`_${f}`), 0, Number.MAX_SAFE_INTEGER))),
      ].map((e: Expr) => e.fillNull(false)));
      const t = col('_t');
      const nullInt = (n: string) => pl.lit(null).cast(pl.Int32).alias(n);
      return {
        prepare,
        bad,
        select: [
          t.date.strftime('%Y-%m-%d %H:%M:%S').alias('treceived'), col('_secs').alias('unix_tstamp'),
          t.date.year().cast(pl.Int32).alias('tryear'), t.date.month().cast(pl.Int32).alias('trmonth'), t.date.day().cast(pl.Int32).alias('trday'),
          t.date.hour().cast(pl.Int32).alias('trhour'), t.date.minute().cast(pl.Int32).alias('trminute'), t.date.second().cast(pl.Int32).alias('trsec'),
          col('duration').cast(pl.Float64, false).fillNan(0).fillNull(0).cast(pl.Float32).alias('tdur'),
          get('id.orig_h').alias('sip'), get('id.resp_h').alias('dip'),
          col('_id.orig_p').cast(pl.Int32).alias('sport'), col('_id.resp_p').cast(pl.Int32).alias('dport'),
          get('proto').str.toUpperCase().alias('proto'), get('history').alias('flag'), nullInt('fwd'), nullInt('stos'),
          count('orig_pkts').alias('ipkt'), count('orig_ip_bytes').alias('ibyt'), count('resp_pkts').alias('opkt'), count('resp_ip_bytes').alias('obyt'),
          ...'input output sas das dtos dir'.split(' ').map(nullInt), pl.lit(null).cast(pl.Utf8).alias('rip'),
        ],
      };
    },
    hour: (pl) => pl.col('treceived').str.slice(0, 13),
  },
  bluecoat: {
    type: 'proxy',
    // ELFF: space-separated, a field in double quotes may hold spaces (the quotes are dropped).
    csv: { sep: ' ', quoteChar: '"', commentPrefix: '#' },
    names: BLUECOAT_FIELDS.map(([n]) => n),
    columns(pl) {
      const col = pl.col;
      const of = new Map(BLUECOAT_FIELDS.map(([n, c]) => [c, n]));
      const field = (c: string) => col(of.get(c));
      const ints = ['duration', 'scbytes', 'csbytes'];
      const prepare = [ints.map((c) => pl.when(field(c).eq(pl.lit('-'))).then(pl.lit(null, pl.Int64)).otherwise(whole(pl, field(c))).alias(`_${c}`))];
      const bad = pl.anyHorizontal([
        field('p_date').str.contains('^\\d{4}-\\d\\d-\\d\\d').not(), field('p_time').str.contains('^\\d\\d:\\d\\d:\\d\\d').not(),
        ...ints.map((c) => field(c).neq(pl.lit('-')).and(outside(col(`_${c}`), 0, INT32))),
      ].map((e: Expr) => e.fillNull(true)));
      const longer = (c: string) => pl.when(field(c).str.lengths().gt(1)).then(field(c)).otherwise(pl.lit(''));
      const value = (c: string): Expr => {
        if (c === 'fulluri') return pl.concatString([field('host'), longer('uripath'), longer('uriquery')], '').alias(c);
        if (c === 'p_time') return field(c).str.slice(0, 8).alias(c);
        if (ints.includes(c)) return col(`_${c}`).cast(pl.Int32).alias(c);
        return field(c).alias(c);
      };
      return { prepare, bad, select: PROXY_ORDER.map(value) };
    },
    hour: (pl) => pl.concatString([pl.col('p_date'), pl.col('p_time').str.slice(0, 2)], ' '),
  },
};

/**
 * The other text formats, for the reader's floor only (steps read, read-lines, today): Squid's runs of
 * spaces make empty fields here, so its `read` is a lower bound, not its parse.
 */
const READERS: Record<string, { type: IngestType; csv: Record<string, unknown> }> = {
  'nfdump-csv': { type: 'flow', csv: { sep: ',', skipRows: 1 } },
  'tshark-csv': { type: 'dns', csv: { sep: ',', quoteChar: '"', skipRows: 1 } },
  squid: { type: 'proxy', csv: { sep: ' ', truncateRaggedLines: true } },
  'zeek-dns': { type: 'dns', csv: { sep: '\t', commentPrefix: '#' } },
  'zeek-http': { type: 'proxy', csv: { sep: '\t', commentPrefix: '#' } },
};

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

/** The reader's options: every field a string column named by `names`, no header line. */
function readOptions(f: Floor): Record<string, unknown> {
  return { hasHeader: false, inferSchemaLength: 0, quoteChar: undefined, ...f.csv };
}

function spotColumns(pl: Pl, f: Floor, lf: any): any {
  const c = f.columns(pl);
  for (const cols of c.prepare) lf = lf.withColumns(...cols);
  return lf.withColumns(c.bad.alias('_bad')).filter(pl.col('_bad').not()).select(...c.select);
}

const CHUNK_BYTES = 64 << 20;

/**
 * One snappy Parquet file per hour of `df` (Spot's columns), named `<name>.parquet` in its hour folder:
 * each hour filtered and sunk (DataFrame.partitionBy, a gather of every column, cost 2.5 CPU s per
 * million conn.log rows; 24 filters and sinks 0.7).
 */
async function writeHours(pl: Pl, f: Floor, df: any, out: string, name: string): Promise<{ rows: number; files: number }> {
  const keyed = df.withColumns(f.hour(pl).alias('_hour'));
  const hours: string[] = keyed.getColumn('_hour').unique().toArray();
  let rows = 0;
  for (const hr of hours) {
    const dir = join(out, `y=${hr.slice(0, 4)}`, `m=${hr.slice(5, 7)}`, `d=${hr.slice(8, 10)}`, `h=${hr.slice(11, 13)}`);
    const path = join(dir, `${name}.parquet`);
    await keyed.lazy().filter(pl.col('_hour').eq(pl.lit(hr))).drop('_hour').sinkParquet(path, { compression: 'snappy', statistics: true }).collect();
    rows += pl.readParquet(path, { columns: [0] }).height;
  }
  return { rows, files: hours.length };
}

async function child(step: Step, format: string, file: string, out: string): Promise<void> {
  const f = FLOORS[format] ?? { ...READERS[format], names: [] };
  const started = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let rows = 0;
  let files = 0;
  if (step === 'today') {
    const engine = await DuckDbEngine.open();
    try {
      const r = await ingest(engine, { type: f.type, format, out, inputs: [file], quiet: true });
      rows = r.rows;
      files = r.parquetFiles.length;
    } finally {
      await engine.close();
    }
  } else {
    const pl: Pl = (
      await import('nodejs-polars' as string).catch(() => {
        throw new Error('nodejs-polars is not installed (not a dependency): npm i --no-save -E nodejs-polars@0.24.1');
      })
    ).default;
    const rename = Object.fromEntries(f.names.map((n, i) => [`column_${i + 1}`, n]));
    const scan = () => pl.scanCSV(file, readOptions(f)).rename(rename);
    if (step === 'read') rows = scan().collectSync().height;
    else if (step === 'read-lines') {
      rows = pl.scanCSV(file, { hasHeader: false, inferSchemaLength: 0, sep: '\x01', quoteChar: undefined }).collectSync().height;
    }
    else if (step === 'columns') rows = spotColumns(pl, f, scan()).collectSync().height;
    else if (step === 'columns-streaming') rows = spotColumns(pl, f, scan()).collectSync({ engine: 'streaming' }).height;
    else if (step === 'chunks') {
      // Bounded memory: the file in byte ranges cut after a line end, each read, converted and written by hour.
      const all = readFileSync(file);
      let k = 0;
      for (let at = 0; at < all.length; k++) {
        let end = Math.min(all.length, at + CHUNK_BYTES);
        if (end < all.length) end = all.indexOf(10, end) + 1 || all.length;
        const lf = pl.readCSV(all.subarray(at, end), readOptions(f)).lazy().rename(rename);
        const written = await writeHours(pl, f, spotColumns(pl, f, lf).collectSync({ engine: 'streaming' }), out, `chunk${k}`);
        rows += written.rows;
        files += written.files;
        at = end;
      }
    }
    else if (step === 'sink') {
      mkdirSync(out, { recursive: true });
      await spotColumns(pl, f, scan()).sinkParquet(join(out, 'all.parquet'), { compression: 'snappy' }).collect();
      rows = pl.scanParquet(join(out, 'all.parquet')).select(pl.len?.() ?? pl.count()).collectSync().row(0)[0];
      files = 1;
    } else if (step === 'lines-hours') {
      // As ingest's contract needs it: each line one string (numbered), split by expressions (field count
      // checked), rejected lines kept with their number and text in the same streamed pass.
      if (format !== 'zeek-conn') throw new Error('lines-hours: zeek-conn only (the binding has no regex tokenizer for ELFF quoting)');
      mkdirSync(out, { recursive: true });
      const col = pl.col;
      const c = f.columns(pl);
      let lf = pl.scanCSV(file, { hasHeader: false, inferSchemaLength: 0, sep: '\x01', quoteChar: undefined })
        .rename({ column_1: 'line' }).withRowIndex('_n', 1).filter(col('line').str.startsWith('#').not())
        .withColumns(col('line').str.split('\t').alias('_f'));
      lf = lf.withColumns(col('_f').lst.lengths().alias('_w'), ...f.names.map((n, i) => {
        const v = col('_f').lst.get(i, true);
        return pl.when(v.eq(pl.lit('-'))).then(pl.lit(null).cast(pl.Utf8)).otherwise(v).alias(n);
      }));
      for (const cols of c.prepare) lf = lf.withColumns(...cols);
      const bad = col('_w').neq(f.names.length).or(c.bad);
      const temp = join(out, 'all.parquet');
      await lf.withColumns(bad.alias('_bad')).select(...c.select, col('_bad'), col('_n'), col('line')).withColumns(
        pl.when(col('_bad')).then(pl.lit(null).cast(pl.Utf8)).otherwise(f.hour(pl)).alias('_hour'),
        pl.when(col('_bad')).then(col('_n')).otherwise(pl.lit(null).cast(pl.UInt32)).alias('_n'),
        pl.when(col('_bad')).then(col('line')).otherwise(pl.lit(null).cast(pl.Utf8)).alias('_line'),
      ).drop('line').sinkParquet(temp, { compression: 'snappy', statistics: true, rowGroupSize: 32767 }).collect();
      const hours: string[] = pl.scanParquet(temp).select(col('_hour').unique()).collectSync().getColumn('_hour').toArray().filter((h: string | null) => h !== null);
      for (const hr of hours) {
        const path = join(out, `y=${hr.slice(0, 4)}`, `m=${hr.slice(5, 7)}`, `d=${hr.slice(8, 10)}`, `h=${hr.slice(11, 13)}`, 'polars.parquet');
        await pl.scanParquet(temp).filter(col('_hour').eq(pl.lit(hr))).drop('_hour', '_bad', '_n', '_line').sinkParquet(path, { compression: 'snappy', statistics: true }).collect();
        rows += pl.readParquet(path, { columns: [0] }).height;
      }
      const rejects = pl.scanParquet(temp).filter(col('_bad')).select(col('_n'), col('_line')).collectSync();
      if (rejects.height) console.error(`rejected: ${rejects.height}, first at line ${rejects.getColumn('_n').get(0)}`);
      rmSync(temp);
      files = hours.length;
    } else if (step === 'sink-hours') {
      // Streamed twice: one file with the hour key (row groups of 32,767 rows, the binding's i16 limit; statistics), then each hour read back
      // from it (row groups of other hours skipped by their statistics when the log is in time order).
      mkdirSync(out, { recursive: true });
      const temp = join(out, 'all.parquet');
      await spotColumns(pl, f, scan()).withColumns(f.hour(pl).alias('_hour'))
        .sinkParquet(temp, { compression: 'snappy', statistics: true, rowGroupSize: 32767 }).collect();
      const hours: string[] = pl.scanParquet(temp).select(pl.col('_hour').unique()).collectSync().getColumn('_hour').toArray();
      for (const hr of hours) {
        const path = join(out, `y=${hr.slice(0, 4)}`, `m=${hr.slice(5, 7)}`, `d=${hr.slice(8, 10)}`, `h=${hr.slice(11, 13)}`, 'polars.parquet');
        await pl.scanParquet(temp).filter(pl.col('_hour').eq(pl.lit(hr))).drop('_hour').sinkParquet(path, { compression: 'snappy', statistics: true }).collect();
        rows += pl.readParquet(path, { columns: [0] }).height;
      }
      rmSync(temp);
      files = hours.length;
    } else {
      const written = await writeHours(pl, f, spotColumns(pl, f, scan()).collectSync(step === 'write' ? {} : { engine: 'streaming' }), out, 'polars');
      rows = written.rows;
      files = written.files;
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(JSON.stringify({ step, format, rows, files, seconds, cpu: cpuSeconds(cpu0), rss: process.memoryUsage().rss }));
}

/** Rows in one set of hour files and not in the other (EXCEPT ALL), both ways. */
async function compare(a: string, b: string): Promise<[number, number]> {
  const engine = await DuckDbEngine.open();
  try {
    const scan = (root: string) => `SELECT * FROM read_parquet(${sqlString(join(root, '**', '*.parquet'))}, hive_partitioning = false)`;
    const count = async (x: string, y: string) => Number((await engine.rows(`SELECT count(*) AS n FROM (${scan(x)} EXCEPT ALL ${scan(y)})`))[0].n);
    const types = await engine.rows(`SELECT a.column_name AS name, a.column_type AS a, b.column_type AS b FROM (DESCRIBE ${scan(a)}) a JOIN (DESCRIBE ${scan(b)}) b USING (column_name) WHERE a.column_type <> b.column_type`);
    for (const t of types) console.log(`  column ${t.name}: ${t.a} here, ${t.b} in today's ingest`);
    return [await count(a, b), await count(b, a)];
  } finally {
    await engine.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1] as Step, args[2], args[3], args[4]);
  const value = (flag: string, fallback: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args.splice(i, 2)[1] : fallback;
  };
  const lines = Number(value('--lines', '1000000'));
  const runs = Number(value('--runs', '1'));
  const steps = value('--steps', STEPS.join(',')).split(',') as Step[];
  const withCompare = args.includes('--compare');
  const formats = args.filter((a) => !a.startsWith('--'));
  const self = fileURLToPath(import.meta.url);
  const work = join(outRoot, 'ingest', `polars-floor-${process.pid}`);
  console.log(`polars floor: ${lines.toLocaleString('en-US')} lines, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('format\trun\tstep\tCPU s\tseconds\trows\tfiles\tpeak-ish RSS MB');
  try {
    for (const format of formats.length ? formats : Object.keys(FLOORS)) {
      if (!FLOORS[format] && !READERS[format]) throw new Error(`no floor for ${format}: ${[...Object.keys(FLOORS), ...Object.keys(READERS)].join(', ')}`);
      const file = join(outRoot, 'ingest', `${format}-${lines}.log`);
      for (let run = 1; run <= runs; run++) {
        for (const step of steps) {
          if (step === 'lines-hours' && format !== 'zeek-conn') continue;
          if (!FLOORS[format] && !['read', 'read-lines', 'today'].includes(step)) continue;
          const out = join(work, `${format}-${step}`);
          rmSync(out, { recursive: true, force: true });
          const r = JSON.parse(execFileSync(process.execPath, [self, '--child', step, format, file, out], { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').pop()!);
          console.log(`${format}\t${run}\t${step}\t${r.cpu.toFixed(2)}\t${r.seconds.toFixed(2)}\t${r.rows}\t${r.files}\t${(r.rss / 1e6).toFixed(0)}`);
        }
        const written = steps.find((st) => st === 'chunks' || st.startsWith('write') || st.endsWith('-hours'));
        if (withCompare && run === 1 && written && steps.includes('today')) {
          const [extra, missing] = await compare(join(work, `${format}-${written}`), join(work, `${format}-today`));
          console.log(`${format}\tcompare\trows only in Polars' output: ${extra}, only in today's: ${missing}`);
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

await main();
