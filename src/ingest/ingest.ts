import { createReadStream, createWriteStream } from 'node:fs';
import { access, appendFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SpotError } from '../common/errors.js';
import { withFileLock } from '../common/file-lock.js';
import type { Engine } from '../engine/engine.js';
import { sqlString } from '../engine/engine.js';
import { HEAD_LINES, NotTheFormat, type Format, type IngestType } from './format.js';
import { FORMATS } from './formats/index.js';
import { fileHead, gunzipInto, isGzip, textHead, toolOutput } from './lines.js';
import { mayBeIngested, planSource, readManifest, writeManifest, type Manifest, type SourcePlan } from './manifest.js';
import { IngestProgress } from './progress.js';
import { resolveSources } from './sources.js';
import { readSource } from './sql/read-source.js';

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

/** The sources' rejects files (work/rejects-<k>.csv) as one CSV with its header. */
async function joinRejects(work: string, sources: number, to: string): Promise<void> {
  const out = createWriteStream(to);
  out.write('file,line,reason,text\n');
  for (let k = 0; k < sources; k++) {
    const part = join(work, `rejects-${k}.csv`);
    if (!(await access(part).then(() => true, () => false))) continue;
    await pipeline(createReadStream(part), out, { end: false });
  }
  await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
}

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
  await mkdir(join(work, 'parts'), { recursive: true });
  const progress = new IngestProgress(Boolean(o.quiet));
  try {
    const manifestPath = join(meta, 'manifest.json');
    const manifest = await readManifest(manifestPath);
    const sources = await resolveSources(engine, o.inputs);
    const files: FileReport[] = [];
    const added: Manifest['sources'] = [];
    for (const path of sources) {
      const size = (await stat(path)).size;
      // Sources read earlier in this run count too: a copy of a file given twice adds nothing.
      const known: Manifest = { version: 1, sources: [...manifest.sources, ...added] };
      let plan: SourcePlan;
      let report: FileReport;
      if (mayBeIngested(path, size, known)) {
        plan = await planSource(path, size, known);
        if (plan.kind === 'done') {
          files.push({ path, status: 'already ingested', lines: 0, rows: 0, rejected: 0, notEvents: 0 });
          progress.note(`${path}: already ingested (run ${plan.as.run}), nothing added`);
          continue;
        }
        report = await ingestSource(engine, path, format, o.type, plan, work, run, files.length, progress);
      } else {
        // Surely new: it is hashed for the manifest while the engine reads it.
        [report, plan] = await Promise.all([
          ingestSource(engine, path, format, o.type, { kind: 'new', size, sha256: '' }, work, run, files.length, progress),
          planSource(path, size, known),
        ]);
        if (plan.kind !== 'new' || plan.size !== size) throw new SpotError(`${path} changed while it was read; ingest it again`);
      }
      files.push(report);
      added.push({ path, size: plan.size, sha256: plan.sha256, lines: (report.fromLine ?? 0) + report.lines, format: format.name, run });
    }
    const rows = files.reduce((s, f) => s + f.rows, 0);
    const rejected = files.reduce((s, f) => s + f.rejected, 0);
    const { partitions, parquetFiles } = await placeDays(engine, work, root);
    let rejectsFile: string | undefined;
    if (rejected > 0) {
      rejectsFile = join(root, '_rejects', `ingest-${run}.csv`);
      await mkdir(dirname(rejectsFile), { recursive: true });
      await joinRejects(work, files.length, `${rejectsFile}.tmp`);
      await rename(`${rejectsFile}.tmp`, rejectsFile);
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

async function ingestSource(
  engine: Engine, path: string, format: Format, type: IngestType, plan: SourcePlan, work: string, run: string, k: number, progress: IngestProgress,
): Promise<FileReport> {
  const skipUpTo = plan.kind === 'tail' ? plan.after.lines : 0;
  const report: FileReport = { path, status: plan.kind === 'tail' ? 'tail' : 'ingested', lines: 0, rows: 0, rejected: 0, notEvents: 0 };
  if (skipUpTo) report.fromLine = skipUpTo;
  progress.start(path);
  let text = path;
  let toolError: string | undefined;
  if (format.tool) {
    // The tools read plain files: a gzipped pcap or nfcapd file is unpacked into the run's work folder first.
    const toolInput = (await isGzip(path)) ? await gunzipInto(path, work) : path;
    if (format.sniff) {
      const wrong = format.sniff(await fileHead(toolInput));
      if (wrong) throw new SpotError(`${path} is not a ${format.name} file: ${wrong}`);
    }
    text = join(work, `tool-${k}.txt`);
    toolError = await toolOutput(path, format.tool(toolInput), text);
    if (toolInput !== path) await rm(toolInput, { force: true });
  }
  const head = await textHead(text, HEAD_LINES);
  let formatPlan;
  try {
    formatPlan = format.plan(head.lines);
  } catch (err) {
    if (err instanceof NotTheFormat) throw new SpotError(`${path} is not a ${format.name} file: ${err.message}`);
    throw err;
  }
  const rejectsCsv = join(work, `rejects-${k}.csv`);
  const counts = await progress.during(
    () => engine.queryProgress()?.rows,
    () => readSource(engine, type, { file: text, name: path, gzip: head.gzip, crlf: head.crlf, skipUpTo }, formatPlan, {
      rejectsCsv,
      parts: join(work, 'parts', String(k)),
      pattern: `ingest-${run}-${k}-`,
    }),
  );
  Object.assign(report, { lines: counts.lines, rows: counts.rows, rejected: counts.rejected, notEvents: counts.notEvents });
  if (toolError) {
    report.rejected++;
    await appendFile(rejectsCsv, csvLine([path, String(skipUpTo + counts.lines + 1), toolError, '']));
  }
  progress.lines(report.lines);
  progress.done(path, report.lines);
  const notFormat =
    report.rows === 0 && report.notEvents === 0 && report.rejected > 0 && skipUpTo === 0 ? `none of its ${report.rejected} lines could be read (first: ${counts.firstReject ?? toolError})` : undefined;
  if (notFormat) throw new SpotError(`${path} is not a ${format.name} file: ${notFormat}`);
  return report;
}

function csvLine(fields: string[]): string {
  return fields.map((f) => (/[",\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(',') + '\n';
}

/** Each source's Parquet files (work/parts/<k>/y=.../h=.../*.parquet) renamed into the root beside what is there. */
async function placeDays(engine: Engine, work: string, root: string) {
  const parts = join(work, 'parts');
  const files: { from: string; to: string }[] = [];
  for (const entry of await readdir(parts, { recursive: true, withFileTypes: true }).catch(() => [])) {
    if (!entry.isFile()) continue;
    const from = join(entry.parentPath, entry.name);
    files.push({ from, to: join(root, relative(parts, from).split(sep).slice(1).join(sep)) });
  }
  if (!files.length) return { partitions: [], parquetFiles: [] };
  const counts = await engine.rows(
    `SELECT y, m, d, h, count(*) AS n FROM read_parquet(${sqlString(join(parts, '*', '**', '*.parquet'))}, hive_partitioning = true, hive_types_autocast = false) GROUP BY ALL ORDER BY ALL`,
  );
  const partitions = counts.map((r) => ({ partition: `y=${r.y}/m=${r.m}/d=${r.d}/h=${r.h}`, rows: Number(r.n) }));
  for (const { from, to } of files) {
    await mkdir(dirname(to), { recursive: true });
    if (await access(to).then(() => true, () => false)) throw new SpotError(`${to} exists already; not overwriting it`);
    await rename(from, to);
  }
  return { partitions, parquetFiles: files.map((f) => f.to).sort() };
}
