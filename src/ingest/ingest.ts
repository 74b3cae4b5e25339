import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, access } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { SpotError } from '../common/errors.js';
import { withFileLock } from '../common/file-lock.js';
import type { Engine } from '../engine/engine.js';
import { sqlString } from '../engine/engine.js';
import { FILTERED, Reject, SKIP, type Format, type IngestType, type Row } from './format.js';
import { FORMATS } from './formats/index.js';
import { fileHead, gunzipInto, isGzip, textFileLines, toolLines } from './lines.js';
import { planSource, readManifest, writeManifest, type Manifest, type SourcePlan } from './manifest.js';
import { TABLES } from './tables.js';
import { IngestProgress } from './progress.js';
import { resolveSources } from './sources.js';

export interface IngestOptions {
  type: IngestType;
  format: string;
  /** Spot's root for the type: the day lands in <out>/y=YYYY/m=MM/d=DD/h=HH/. */
  out: string;
  /** Files, folders (read recursively) or glob patterns. */
  inputs: readonly string[];
  quiet?: boolean;
}

export interface FileReport {
  path: string;
  status: 'ingested' | 'tail' | 'already ingested';
  /** Lines read this time (for a tail, only the new ones). */
  lines: number;
  rows: number;
  rejected: number;
  /** Well-formed lines that are not events (DNS queries without a response). */
  notEvents: number;
  /** For a tail: the lines read before, skipped now. */
  fromLine?: number;
}

export interface IngestReport {
  root: string;
  run: string;
  files: FileReport[];
  linesRead: number;
  rows: number;
  rejected: number;
  notEvents: number;
  /** Rows written per hour partition, `y=YYYY/m=MM/d=DD/h=HH`, sorted. */
  partitions: { partition: string; rows: number }[];
  parquetFiles: string[];
  rejectsFile?: string;
  seconds: number;
}

const MAX_REJECT_TEXT = 2000;

export function formatNamed(type: IngestType, name: string): Format {
  const f = FORMATS.find((x) => x.name === name);
  const names = FORMATS.filter((x) => x.type === type).map((x) => x.name);
  if (!f) throw new SpotError(`unknown --format ${name}; for ${type}: ${names.join(', ')}`);
  if (f.type !== type) throw new SpotError(`--format ${name} is a ${f.type} format, not ${type} (for ${type}: ${names.join(', ')})`);
  return f;
}

/**
 * Reads the sources, writes their events as new Parquet files in Spot's hour partitions under the root
 * (each file renamed into place), the unreadable lines to a rejects file, and records the sources in the
 * root's manifest. Nothing is written when a source is not of the format at all.
 */
export async function ingest(engine: Engine, o: IngestOptions): Promise<IngestReport> {
  const format = formatNamed(o.type, o.format);
  const root = resolve(o.out);
  const run = `${new Date().toISOString().replace(/[-:.]/g, '')}-${process.pid}`;
  const meta = join(root, '_ingest');
  const work = join(meta, `tmp-${run}`);
  await mkdir(meta, { recursive: true });
  // One ingest at a time per root: the manifest is read, then rewritten with this run's sources.
  return withFileLock(join(meta, 'manifest.json'), () => ingestLocked(engine, o, format, root, run, meta, work));
}

async function ingestLocked(engine: Engine, o: IngestOptions, format: Format, root: string, run: string, meta: string, work: string): Promise<IngestReport> {
  const started = Date.now();
  await mkdir(work, { recursive: true });
  const progress = new IngestProgress(Boolean(o.quiet));
  try {
    const manifestPath = join(meta, 'manifest.json');
    const manifest = await readManifest(manifestPath);
    const sources = await resolveSources(engine, o.inputs);
    const staging = join(work, 'rows.txt');
    const out = new LineWriter(staging);
    const rejects = new LineWriter(join(work, 'rejects.csv'));
    rejects.push('file,line,reason,text\n');
    const files: FileReport[] = [];
    const added: Manifest['sources'] = [];
    for (const path of sources) {
      const size = (await stat(path)).size;
      // Sources read earlier in this run count too: a copy of a file given twice adds nothing.
      const plan = await planSource(path, size, { version: 1, sources: [...manifest.sources, ...added] });
      if (plan.kind === 'done') {
        files.push({ path, status: 'already ingested', lines: 0, rows: 0, rejected: 0, notEvents: 0 });
        progress.note(`${path}: already ingested (run ${plan.as.run}), nothing added`);
        continue;
      }
      const report = await readSource(path, format, plan, work, out, rejects, progress);
      files.push(report);
      added.push({ path, size: plan.size, sha256: plan.sha256, lines: (report.fromLine ?? 0) + report.lines, format: format.name, run });
    }
    await out.close();
    await rejects.close();
    const rows = files.reduce((s, f) => s + f.rows, 0);
    const rejected = files.reduce((s, f) => s + f.rejected, 0);
    const { partitions, parquetFiles } = rows > 0 ? await writeDays(engine, o.type, staging, work, root, run) : { partitions: [], parquetFiles: [] };
    let rejectsFile: string | undefined;
    if (rejected > 0) {
      rejectsFile = join(root, '_rejects', `ingest-${run}.csv`);
      await mkdir(dirname(rejectsFile), { recursive: true });
      await rename(join(work, 'rejects.csv'), rejectsFile);
    }
    if (added.length) await writeManifest(manifestPath, { version: 1, sources: [...manifest.sources, ...added] });
    return {
      root,
      run,
      files,
      linesRead: files.reduce((s, f) => s + f.lines, 0),
      rows,
      rejected,
      notEvents: files.reduce((s, f) => s + f.notEvents, 0),
      partitions,
      parquetFiles,
      rejectsFile,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    progress.stop();
    await rm(work, { recursive: true, force: true });
  }
}

async function readSource(
  path: string, format: Format, plan: SourcePlan, work: string, out: LineWriter, rejects: LineWriter, progress: IngestProgress,
): Promise<FileReport> {
  const parser = format.parser();
  const skipUpTo = plan.kind === 'tail' ? plan.after.lines : 0;
  const report: FileReport = { path, status: plan.kind === 'tail' ? 'tail' : 'ingested', lines: 0, rows: 0, rejected: 0, notEvents: 0 };
  if (skipUpTo) report.fromLine = skipUpTo;
  let lineNo = 0;
  let firstReject: string | undefined;
  // The tools read plain files: a gzipped pcap or nfcapd file is unpacked into the run's work folder first.
  const toolInput = format.tool && (await isGzip(path)) ? await gunzipInto(path, work) : path;
  const toolStatus: { error?: string } = {};
  if (format.sniff) {
    const wrong = format.sniff(await fileHead(toolInput));
    if (wrong) throw new SpotError(`${path} is not a ${format.name} file: ${wrong}`);
  }
  const batches = format.tool ? toolLines(path, format.tool(toolInput), toolStatus) : textFileLines(path);
  progress.start(path);
  for await (const batch of batches) {
    const staged: string[] = [];
    for (let line of batch) {
      lineNo++;
      if (line.indexOf('\x1f') >= 0 || line.indexOf('\r') >= 0) line = line.replace(/[\x1f\r]/g, ' ');
      let outcome: Row | typeof SKIP | typeof FILTERED;
      try {
        outcome = parser.parse(line);
      } catch (err) {
        if (!(err instanceof Reject)) throw err;
        if (lineNo <= skipUpTo) continue;
        report.rejected++;
        firstReject ??= `line ${lineNo}: ${err.message}`;
        rejects.push(csvLine([path, String(lineNo), err.message, line.length > MAX_REJECT_TEXT ? line.slice(0, MAX_REJECT_TEXT) : line]));
        continue;
      }
      if (lineNo <= skipUpTo) continue;
      if (outcome === SKIP) continue;
      if (outcome === FILTERED) {
        report.notEvents++;
        continue;
      }
      report.rows++;
      staged.push(stagingLine(outcome));
    }
    report.lines = Math.max(0, lineNo - skipUpTo);
    progress.lines(batch.length);
    if (staged.length) await out.write(staged.join('\n') + '\n');
    await rejects.drain();
  }
  if (toolStatus.error) {
    report.rejected++;
    rejects.push(csvLine([path, String(lineNo + 1), toolStatus.error, '']));
  }
  progress.done(path, report.lines);
  if (toolInput !== path) await rm(toolInput, { force: true });
  const notFormat = parser.notTheFormat?.() ??
    (report.rows === 0 && report.notEvents === 0 && report.rejected > 0 && skipUpTo === 0 ? `none of its ${report.rejected} lines could be read (first: ${firstReject})` : undefined);
  if (notFormat) throw new SpotError(`${path} is not a ${format.name} file: ${notFormat}`);
  return report;
}

/** A row as one staging line (joined flat: concatenation would keep every field alive as a rope until written). */
function stagingLine(row: Row): string {
  for (let i = 0; i < row.length; i++) if (row[i] === null) row[i] = '\\N';
  return row.join('\x1f');
}

function csvLine(fields: string[]): string {
  return fields.map((f) => (/[",\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(',') + '\n';
}

/** Staged rows → Parquet per hour partition (DuckDB), then each file renamed into the root beside what is there. */
async function writeDays(engine: Engine, type: IngestType, staging: string, work: string, root: string, run: string) {
  const table = TABLES[type];
  const parts = join(work, 'parts');
  const columns = `{${table.staging.map((c) => `${sqlString(c)}: 'VARCHAR'`).join(', ')}}`;
  const source = `read_csv(${sqlString(staging)}, delim = '\x1f', quote = '', escape = '', header = false, nullstr = '\\N', ` +
    `auto_detect = false, new_line = '\\n', columns = ${columns})`;
  await engine.exec(
    `COPY (SELECT ${table.select} FROM ${source}) TO ${sqlString(parts)} ` +
      `(FORMAT parquet, COMPRESSION zstd, PARTITION_BY (y, m, d, h), FILENAME_PATTERN ${sqlString(`ingest-${run}-{i}`)})`,
  );
  const counts = await engine.rows(
    `SELECT y, m, d, h, count(*) AS n FROM read_parquet(${sqlString(join(parts, '**', '*.parquet'))}, hive_partitioning = true, hive_types_autocast = false) GROUP BY ALL ORDER BY ALL`,
  );
  const partitions = counts.map((r) => ({ partition: `y=${r.y}/m=${r.m}/d=${r.d}/h=${r.h}`, rows: Number(r.n) }));
  const parquetFiles: string[] = [];
  for (const entry of await readdir(parts, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const from = join(entry.parentPath, entry.name);
    const to = join(root, relative(parts, from));
    await mkdir(dirname(to), { recursive: true });
    if (await access(to).then(() => true, () => false)) throw new SpotError(`${to} exists already; not overwriting it`);
    await rename(from, to);
    parquetFiles.push(to);
  }
  return { partitions, parquetFiles: parquetFiles.sort() };
}

/** A text file written in large pieces, waiting for the disk when it falls behind. */
class LineWriter {
  private readonly stream: WriteStream;
  private pending: string[] = [];
  private pendingLength = 0;

  constructor(path: string) {
    this.stream = createWriteStream(path);
  }

  push(text: string): void {
    this.pending.push(text);
    this.pendingLength += text.length;
  }

  async write(text: string): Promise<void> {
    this.push(text);
    await this.drain();
  }

  async drain(): Promise<void> {
    if (this.pendingLength < 1 << 16) return;
    await this.flush();
  }

  private async flush(): Promise<void> {
    const text = this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    if (!this.stream.write(text)) await new Promise<void>((r) => this.stream.once('drain', () => r()));
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((res, rej) => this.stream.end((err?: Error | null) => (err ? rej(err) : res())));
  }
}
