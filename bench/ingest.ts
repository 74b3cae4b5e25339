/**
 * Ingest speed per format (issue 14): lines per second of `spot-ml ingest` over one file of N lines
 * (default 1,000,000) per text format, each ingested into a fresh root. nfdump CSV, tshark CSV and Squid
 * logs are the demo's days written as raw logs (src/demo/raw-logs.ts); Bluecoat and Zeek files repeat
 * realistic lines with varying times, addresses and names. Files are cached under bench/out/ingest/.
 * CPU s is the process' user + system time during the ingest (DuckDB's threads included): steadier than
 * the wall time on a shared machine.
 *
 * With --steps, each format's single pass is also timed step by step (CPU s of one statement each, in
 * this process): the lines read as text, Spot's columns computed for every line (nothing written), the
 * same written to one Parquet file, and written to the hour partitions as ingest does.
 *
 *   npx tsc -p . && node dist/bench/ingest.js [LINES] [--steps] [FORMAT...]
 */
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { DuckDbEngine } from '../src/engine/duckdb.js';
import { sqlString, type Engine } from '../src/engine/engine.js';
import { generateDnsDay } from '../src/demo/dns-day.js';
import { generateFlowDay } from '../src/demo/flow-day.js';
import { generateProxyDay } from '../src/demo/proxy-day.js';
import { writeRawLog } from '../src/demo/raw-logs.js';
import { HEAD_LINES, type IngestType } from '../src/ingest/format.js';
import { formatNamed, ingest } from '../src/ingest/ingest.js';
import { textHead } from '../src/ingest/lines.js';
import { PARQUET_WRITE, singlePassQuery, withWriteSettings } from '../src/ingest/sql/read-source.js';
import { DATE, outRoot } from './days.js';

const args = process.argv.slice(2);
const withSteps = args.includes('--steps');
const positional = args.filter((a) => a !== '--steps');
const lines = Number(positional[0] ?? 1_000_000);
const only = positional.slice(1);
const dir = join(outRoot, 'ingest');
mkdirSync(dir, { recursive: true });

const t0 = Date.UTC(2016, 4, 5) / 1000;
const ip = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
const zeekHead = (path: string, fields: string) => [
  '#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', `#path\t${path}`, '#open\t2016-05-05-00-00-00',
  `#fields\t${fields.split(' ').join('\t')}`,
].join('\n') + '\n';
const time = (i: number) => (t0 + (i * 86400) / lines).toFixed(6);
const iso = (i: number) => new Date((t0 + Math.floor((i * 86400) / lines)) * 1000).toISOString().slice(0, 19).replace('T', ' ');

/** Formats whose bench file is written line by line here: header, then line i. */
const SYNTHETIC: Record<string, { type: IngestType; header: string; line(i: number): string }> = {
  'zeek-conn': {
    type: 'flow',
    header: zeekHead('conn', 'ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto service duration orig_bytes resp_bytes conn_state local_orig local_resp missed_bytes history orig_pkts orig_ip_bytes resp_pkts resp_ip_bytes tunnel_parents'),
    line: (i) => `${time(i)}\tC${i.toString(36)}\t${ip(i % 5000)}\t${49152 + (i % 16000)}\t93.184.${(i >> 8) & 255}.${i & 255}\t443\ttcp\tssl\t${(i % 977) / 100}\t${i % 9000}\t${i % 70000}\tSF\tT\tF\t0\tShADadFf\t${5 + (i % 40)}\t${900 + (i % 9000)}\t${4 + (i % 50)}\t${1500 + (i % 70000)}\t-`,
  },
  'zeek-dns': {
    type: 'dns',
    header: zeekHead('dns', 'ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto trans_id rtt query qclass qclass_name qtype qtype_name rcode rcode_name AA TC RD RA Z answers TTLs rejected'),
    line: (i) => `${time(i)}\tC${i.toString(36)}\t${ip(i % 5000)}\t${49152 + (i % 16000)}\t10.0.0.53\t53\tudp\t${i & 65535}\t0.010000\tsite${i % 4000}.example.com\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t198.51.100.${i % 254},198.51.100.${(i + 1) % 254}\t300.000000,300.000000\tF`,
  },
  'zeek-http': {
    type: 'proxy',
    header: zeekHead('http', 'ts uid id.orig_h id.orig_p id.resp_h id.resp_p trans_depth method host uri referrer version user_agent origin request_body_len response_body_len status_code status_msg info_code info_msg tags username password proxied orig_fuids orig_filenames orig_mime_types resp_fuids resp_filenames resp_mime_types'),
    line: (i) => `${time(i)}\tC${i.toString(36)}\t${ip(i % 5000)}\t${49152 + (i % 16000)}\t93.184.216.${i % 254}\t80\t1\tGET\twww.shop${i % 300}.com\t/static/app.${i % 8}.js?v=${i % 97}\t-\t1.1\tMozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36\t-\t0\t${i % 50000}\t200\tOK\t-\t-\t(empty)\t-\t-\t-\t-\t-\t-\tF${i.toString(36)}\t-\tapplication/javascript`,
  },
  bluecoat: {
    type: 'proxy',
    header: '#Software: SGOS 6.5.4.4\n#Version: 1.0\n#Fields: date time time-taken c-ip cs-username cs-auth-group x-exception-id sc-filter-result cs-categories cs(Referer) sc-status s-action cs-method rs(Content-Type) cs-uri-scheme cs-host cs-uri-port cs-uri-path cs-uri-query cs-uri-extension cs(User-Agent) s-ip sc-bytes cs-bytes x-virus-id x-bluecoat-application-name x-bluecoat-application-operation\n',
    line: (i) => `${iso(i)} ${i % 3000} ${ip(i % 5000)} - - - OBSERVED "Technology/Internet" - 200 TCP_NC_MISS GET application/javascript http www.shop${i % 300}.com 80 /static/app.${i % 8}.js ?v=${i % 97} js "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36" 192.168.1.1 ${i % 50000} ${200 + (i % 900)} - "none" "none"`,
  },
};

/** Formats whose bench file is a demo day written as its raw log. */
const FROM_DEMO: Record<string, { type: IngestType; generate(engine: Engine, root: string): Promise<string> }> = {
  'nfdump-csv': { type: 'flow', generate: (e, root) => generateFlowDay(e, { root, rows: lines, hosts: lines / 200, date: DATE }) },
  'tshark-csv': { type: 'dns', generate: (e, root) => generateDnsDay(e, { root, rows: lines, hosts: lines / 200, date: DATE, userDomain: 'spotdemo', tunnelQueries: 0 }) },
  squid: { type: 'proxy', generate: (e, root) => generateProxyDay(e, { root, rows: lines, hosts: lines / 200, date: DATE, userDomain: 'spotdemo', beaconRequests: 0 }) },
};

async function benchFile(engine: Engine, format: string): Promise<{ file: string; type: IngestType }> {
  const file = join(dir, `${format}-${lines}.log`);
  const synthetic = SYNTHETIC[format];
  const type = synthetic?.type ?? FROM_DEMO[format].type;
  if (existsSync(file)) return { file, type };
  if (synthetic) {
    const out = createWriteStream(`${file}.tmp`);
    out.write(synthetic.header);
    for (let i = 0; i < lines; i += 10_000) {
      const chunk: string[] = [];
      for (let j = i; j < Math.min(lines, i + 10_000); j++) chunk.push(synthetic.line(j));
      if (!out.write(chunk.join('\n') + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((r) => out.end(() => r()));
  } else {
    const root = join(dir, `day-${format}`);
    const day = await FROM_DEMO[format].generate(engine, root);
    renameSync(await writeRawLog(engine, type, day, join(root, 'raw')), `${file}.tmp`);
    rmSync(root, { recursive: true, force: true });
  }
  renameSync(`${file}.tmp`, file);
  return { file, type };
}

/** A file's lines as one text column, read as ingest reads them. */
const linesOf = (file: string) =>
  `read_csv(${sqlString(file)}, columns = {'line': 'VARCHAR'}, delim = '\x01', quote = '', escape = '', header = false, auto_detect = false, strict_mode = false, new_line = '\\n')`;

/**
 * The floor in the same minutes: the engine only counting the file's lines with the reader ingest uses
 * (no parsing, no writing), so a loaded machine shows in both figures.
 */
async function floorSeconds(engine: Engine, file: string): Promise<number> {
  const started = process.hrtime.bigint();
  await engine.rows(`SELECT count(*) AS n FROM ${linesOf(file)}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** CPU seconds (user + system, and system alone) of one statement. */
async function cpuOf(engine: Engine, sql: string): Promise<{ cpu: number; sys: number }> {
  const before = process.cpuUsage();
  await engine.rows(sql);
  const used = process.cpuUsage(before);
  return { cpu: (used.user + used.system) / 1e6, sys: used.system / 1e6 };
}

/**
 * The single pass' steps, each one statement timed alone, with the settings ingest's write uses (lines in
 * any order, no filter pushdown): where a format's CPU goes.
 */
async function steps(engine: Engine, format: string, type: IngestType, file: string): Promise<string> {
  const head = await textHead(file, HEAD_LINES);
  const query = singlePassQuery(type, { file, name: file, gzip: head.gzip, crlf: head.crlf, skipUpTo: 0 }, formatNamed(type, format).plan(head.lines));
  const out = join(dir, `steps-${format}`);
  rmSync(out, { recursive: true, force: true });
  try {
    const taken = await withWriteSettings(engine, true, async () => [
      await cpuOf(engine, `SELECT sum(length(line)) AS n FROM ${linesOf(file)}`),
      await cpuOf(engine, `SELECT min(COLUMNS(*)) FROM (${query})`),
      await cpuOf(engine, `COPY (${query}) TO ${sqlString(`${out}.parquet`)} (${PARQUET_WRITE})`),
      await cpuOf(engine, `COPY (${query}) TO ${sqlString(out)} (${PARQUET_WRITE}, PARTITION_BY (y, m, d, h))`),
    ]);
    return taken.map((t) => `${t.cpu.toFixed(2)} (${t.sys.toFixed(2)})`).join('\t');
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(`${out}.parquet`, { force: true });
  }
}

const engine = await DuckDbEngine.open();
try {
  console.log(`ingest bench: ${lines.toLocaleString('en-US')} lines per format, ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('format\tlines\tMB\tseconds\tCPU s\tlines/s\trows\tfloor s\tfloor lines/s\tsystem s');
  const stepRows: string[] = [];
  for (const format of only.length ? only : [...Object.keys(FROM_DEMO), ...Object.keys(SYNTHETIC)]) {
    const { file, type } = await benchFile(engine, format);
    const root = join(dir, `root-${format}`);
    rmSync(root, { recursive: true, force: true });
    const floor = await floorSeconds(engine, file);
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    const r = await ingest(engine, { type, format, out: root, inputs: [file], quiet: true });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    const mb = statSync(file).size / 1e6;
    console.log(`${format}\t${r.linesRead}\t${mb.toFixed(0)}\t${seconds.toFixed(2)}\t${((cpu.user + cpu.system) / 1e6).toFixed(2)}\t${Math.round(r.linesRead / seconds).toLocaleString('en-US')}\t${r.rows}\t${floor.toFixed(2)}\t${Math.round(r.linesRead / floor).toLocaleString('en-US')}\t${(cpu.system / 1e6).toFixed(2)}`);
    rmSync(root, { recursive: true, force: true });
    if (withSteps) stepRows.push(`${format}\t${await steps(engine, format, type, file)}`);
  }
  if (withSteps) {
    console.log('\nsteps, CPU s (system s in brackets), one statement each:');
    console.log('format\tlines as text\tSpot columns, not written\tone Parquet file\thour partitions (ingest)');
    for (const row of stepRows) console.log(row);
  }
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
} finally {
  await engine.close();
}
