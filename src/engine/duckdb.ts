import {
  DOUBLE,
  DuckDBConnection,
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBTypeId,
  INTEGER,
  VARCHAR,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import duckdbBindings from '@duckdb/node-bindings';
import { rmSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ColumnData, ColumnInfo, CsvOptions, Engine, QueryProgress, RowRange } from './engine.js';
import { sqlIdent, sqlString } from './engine.js';
import { onInterrupt } from '../common/interrupt.js';
import { processAlive } from '../common/process-alive.js';
import { SpotError } from '../common/errors.js';
import { printable } from '../common/display.js';

const CHUNK_ROWS = 2048;
/** createTable lets the event loop run every this many chunks (about 130k rows, some tens of milliseconds). */
const YIELD_EVERY_CHUNKS = 64;

export interface DuckDbOptions {
  threads?: number;
  /** Folder under which DuckDB spills when a step does not fit in its memory, in a fresh folder of its own removed on close (default: the OS temp dir). */
  tempDirectory?: string;
  /** DuckDB's working memory before it spills, e.g. `2GB` (default DEFAULT_MEMORY_LIMIT). */
  memoryLimit?: string;
  /**
   * Keep the memory of DuckDB's freed blocks, up to the memory limit, for its next statements instead of
   * giving it back to the OS (DuckDB's block_allocator_memory): for a sequence of large statements (the
   * robust score), whose memory would otherwise be faulted in again by each (docs/DECISIONS.md, issue 13).
   */
  keepBlocks?: boolean;
}

/**
 * DuckDB would otherwise take 80% of the machine; a bounded default keeps a large day's run within a few
 * GB (the corpus and the model live in JavaScript beside it) by spilling big aggregations to disk.
 */
export const DEFAULT_MEMORY_LIMIT = '1.5GiB';

/** The embedded engine: DuckDB in this process, no server. */
export class DuckDbEngine implements Engine {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    /** The spill folder this engine made and removes on close. */
    private readonly ownSpillDir: string,
    private readonly forgetSpillDir: () => void,
    /** Another connection to an engine opened elsewhere: close() closes only the connection. */
    private readonly borrowed = false,
  ) {}

  /** Another connection to the same database (its tables, not its temporary tables): a statement on it runs beside this one's. */
  async connection(): Promise<DuckDbEngine> {
    const conn = await this.instance.connect();
    return new DuckDbEngine(this.instance, conn, this.ownSpillDir, this.forgetSpillDir, true);
  }

  static async open(options: DuckDbOptions = {}): Promise<DuckDbEngine> {
    // Always a folder of this process' own (also under --spill-dir), so that what a killed run leaves
    // is recognisable by name and removed by the next start.
    const parent = options.tempDirectory ?? tmpdir();
    await removeDeadSpillFolders(parent);
    const ownSpillDir = await mkdtemp(join(parent, `${SPILL_PREFIX}${process.pid}-`)).catch((err: Error) => {
      throw new SpotError(`cannot create a spill folder in ${printable(parent)} (--spill-dir): ${printable(err.message)}`);
    });
    const forgetSpillDir = onInterrupt(() => rmSync(ownSpillDir, { recursive: true, force: true, maxRetries: 3 }));
    const config: Record<string, string> = {
      memory_limit: options.memoryLimit ?? DEFAULT_MEMORY_LIMIT,
      temp_directory: ownSpillDir,
    };
    if (options.threads) config.threads = String(options.threads);
    if (options.keepBlocks) config.block_allocator_memory = config.memory_limit;
    try {
      const instance = await DuckDBInstance.create(':memory:', config);
      const conn = await instance.connect();
      // Track statements' progress for queryProgress (without DuckDB printing a bar of its own).
      await conn.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false; SET progress_bar_time = 0');
      return new DuckDbEngine(instance, conn, ownSpillDir, forgetSpillDir);
    } catch (err) {
      forgetSpillDir();
      await rm(ownSpillDir, { recursive: true, force: true });
      throw err;
    }
  }

  async glob(pattern: string): Promise<string[]> {
    const rows = await this.rows(`SELECT file FROM glob(${sqlString(pattern)}) ORDER BY file`);
    return rows.map((r) => String(r.file));
  }

  async attachParquet(name: string, files: readonly string[], skip: readonly RowRange[] = []): Promise<void> {
    const read = (list: readonly string[]) =>
      `SELECT * FROM read_parquet([${list.map((f) => sqlString(escapeGlob(f))).join(', ')}], ` +
      `union_by_name = true, hive_partitioning = false, filename = 'spot_file', file_row_number = true)`;
    const damaged = new Set(skip.map((r) => r.file));
    const whole = files.filter((f) => !damaged.has(f));
    // A damaged file is read on its own, its skipped ranges as row-number filters: DuckDB then prunes
    // those row groups without decoding them.
    const parts = [
      ...(whole.length ? [read(whole)] : []),
      ...[...damaged].map((f) => {
        const keep = skip.filter((r) => r.file === f).map((r) => `(file_row_number < ${r.from} OR file_row_number >= ${r.to})`);
        return `${read([f])} WHERE ${keep.join(' AND ')}`;
      }),
    ];
    await this.exec(`CREATE OR REPLACE VIEW ${sqlIdent(name)} AS ${parts.join(' UNION ALL BY NAME ')}`);
  }

  async rowGroups(file: string): Promise<RowRange[]> {
    const rows = await this.rows(
      `SELECT DISTINCT row_group_id AS id, row_group_num_rows AS n FROM parquet_metadata(${sqlString(escapeGlob(file))}) ORDER BY id`,
    );
    let from = 0;
    return rows.map((r) => {
      const range = { file, from, to: from + Number(r.n) };
      from = range.to;
      return range;
    });
  }

  async describe(relation: string): Promise<ColumnInfo[]> {
    const rows = await this.rows(`DESCRIBE SELECT * FROM ${relation}`);
    return rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type).toUpperCase() }));
  }

  async exec(sql: string): Promise<void> {
    const t = profileStart();
    await this.conn.run(sql);
    profileEnd(t, sql);
  }

  async rows(sql: string): Promise<Record<string, unknown>[]> {
    const t = profileStart();
    const reader = await this.conn.runAndReadAll(sql);
    profileEnd(t, sql);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  }

  /** Streams a query's result chunk by chunk to `onChunk` (awaited), once `onStart` has seen the result's column types. */
  private async streamChunks(
    sql: string,
    onChunk: (chunk: DuckDBDataChunk) => void | Promise<void>,
    onStart?: (types: readonly DuckDBType[]) => void,
  ): Promise<void> {
    const t = profileStart();
    const result = await this.conn.stream(sql);
    onStart?.(result.columnTypes());
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      await onChunk(chunk);
    }
    profileEnd(t, sql);
  }

  async streamColumns(sql: string, onChunk: (columns: unknown[][], rowCount: number) => void | Promise<void>): Promise<void> {
    await this.streamChunks(sql, (chunk) => onChunk(chunk.getColumns() as unknown[][], chunk.rowCount));
  }

  async streamNumbers(sql: string, onChunk: (columns: (Int32Array | Float64Array)[], rowCount: number) => void): Promise<void> {
    let widths: (Int32ArrayConstructor | Float64ArrayConstructor)[] = [];
    const typedArrays = (types: readonly DuckDBType[]) => {
      widths = types.map((type, i) => {
        if (type.typeId === DuckDBTypeId.INTEGER) return Int32Array;
        if (type.typeId === DuckDBTypeId.DOUBLE) return Float64Array;
        throw new SpotError(`internal error: column ${i + 1} of a numeric stream is ${type.toString()}, not INTEGER or DOUBLE`, 1);
      });
    };
    await this.streamChunks(sql, (chunk) => {
      const rows = chunk.rowCount;
      const columns = widths.map((Typed, i) => {
        const vector = duckdbBindings.data_chunk_get_vector(chunk.chunk, i);
        if (!allValid(duckdbBindings.vector_get_validity(vector, Math.ceil(rows / 64) * 8), rows)) {
          throw new SpotError(`internal error: column ${i + 1} of a numeric stream has a NULL`, 1);
        }
        const bytes = duckdbBindings.vector_get_data(vector, rows * Typed.BYTES_PER_ELEMENT);
        return new Typed(bytes.buffer as ArrayBuffer, bytes.byteOffset, rows);
      });
      onChunk(columns, rows);
    }, typedArrays);
  }

  async createTable(name: string, columns: readonly ColumnData[]): Promise<void> {
    const t = profileStart();
    const ddl = columns.map((c) => `${sqlIdent(c.name)} ${c.type}`).join(', ');
    await this.exec(`CREATE OR REPLACE TABLE ${sqlIdent(name)} (${ddl})`);
    const rowCount = columns.length ? columns[0].values.length : 0;
    const types = columns.map(duckType);
    const appender = await this.conn.createAppender(name);
    // One chunk, refilled: a chunk created per 2,048 rows cost more than copying the numbers into it.
    const chunk = DuckDBDataChunk.create(types);
    for (let start = 0, chunks = 1; start < rowCount; start += CHUNK_ROWS, chunks++) {
      const n = Math.min(CHUNK_ROWS, rowCount - start);
      chunk.reset();
      chunk.rowCount = n;
      columns.forEach((c, i) => fillColumn(chunk, i, c, start, n));
      appender.appendDataChunk(chunk);
      // The appends run on the JavaScript thread: between batches, other work (statements of another
      // connection, such as the candidates' scan beside the corpus' scores) gets started instead of waiting.
      if (chunks % YIELD_EVERY_CHUNKS === 0) await new Promise(setImmediate);
    }
    appender.closeSync();
    profileEnd(t, `append ${rowCount} rows to ${name}`);
  }

  async writeParquet(sql: string, path: string): Promise<number> {
    return this.copy(sql, path, `(FORMAT parquet, COMPRESSION zstd)`);
  }

  async writeCsv(sql: string, path: string, options: CsvOptions): Promise<number> {
    return this.copy(
      sql,
      path,
      `(FORMAT csv, DELIMITER ${sqlString(options.delimiter)}, HEADER ${options.header}, QUOTE '"', ESCAPE '"')`,
    );
  }

  queryProgress(): QueryProgress | undefined {
    const p = this.conn.progress;
    if (!(p.percentage >= 0)) return undefined;
    return { fraction: Math.min(1, p.percentage / 100), rows: Number(p.rows_processed) };
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    if (this.borrowed) return;
    this.instance.closeSync();
    await rm(this.ownSpillDir, { recursive: true, force: true });
    this.forgetSpillDir();
  }

  private async copy(sql: string, path: string, options: string): Promise<number> {
    const rows = await this.rows(`COPY (${sql}) TO ${sqlString(path)} ${options}`);
    return Number(rows[0]?.Count ?? 0);
  }
}

/**
 * A real file name made safe to hand to DuckDB's readers, which expand glob characters in any path:
 * each of `*`, `?` and `[` becomes a one-character class that matches only itself.
 */
export function escapeGlob(path: string): string {
  return path.replace(/[*?[]/g, (c) => `[${c}]`);
}

const SPILL_PREFIX = 'spot-ml-spill-';

/** Spill folders `spot-ml-spill-<pid>-*` of processes that are no longer running (killed runs), removed at the next start. */
async function removeDeadSpillFolders(parent: string): Promise<void> {
  const names = await readdir(parent).catch(() => [] as string[]);
  for (const name of names) {
    const m = /^spot-ml-spill-(\d+)-/.exec(name);
    if (m && Number(m[1]) !== process.pid && !processAlive(Number(m[1]))) await rm(join(parent, name), { recursive: true, force: true });
  }
}

/** SPOT_ML_PROFILE=1: each statement's wall time and the process' CPU time (all threads) on stderr (for bench/ and tuning). */
const PROFILE = process.env.SPOT_ML_PROFILE === '1';
interface ProfileMark {
  wall: number;
  cpu: NodeJS.CpuUsage;
  faults: number;
}
function profileStart(): ProfileMark | undefined {
  return PROFILE ? { wall: performance.now(), cpu: process.cpuUsage(), faults: process.resourceUsage().minorPageFault } : undefined;
}
function profileEnd(started: ProfileMark | undefined, sql: string): void {
  if (!started) return;
  const ms = performance.now() - started.wall;
  const cpu = process.cpuUsage(started.cpu);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const faults = process.resourceUsage().minorPageFault - started.faults;
  if (ms >= 50) process.stderr.write(`[sql ${(ms / 1000).toFixed(2)} s, cpu ${cpuSeconds.toFixed(2)} s, ${Math.round(faults / 1000)}k faults] ${sql.replace(/\s+/g, ' ').trim().slice(0, 160)}\n`);
}

/** A chunk's validity mask (null: no mask, every row valid) marks its first `rows` rows valid. */
function allValid(mask: Uint8Array | null | undefined, rows: number): boolean {
  if (!mask) return true;
  const whole = rows >> 3;
  for (let b = 0; b < whole; b++) if (mask[b] !== 0xff) return false;
  for (let r = whole << 3; r < rows; r++) if ((mask[r >> 3] & (1 << (r & 7))) === 0) return false;
  return true;
}

function duckType(c: ColumnData): DuckDBType {
  switch (c.type) {
    case 'INTEGER':
      return INTEGER;
    case 'DOUBLE':
      return DOUBLE;
    case 'VARCHAR':
      return VARCHAR;
  }
}

/**
 * Sets a chunk's column from rows [start, start + n) of `c`. Numbers are copied into the vector's memory
 * in one call (INTEGER is 4 bytes, DOUBLE 8, as the typed arrays): setting them one value at a time
 * through the node API cost most of the time of bringing a 13M-row corpus into the engine.
 */
function fillColumn(chunk: DuckDBDataChunk, i: number, c: ColumnData, start: number, n: number): void {
  if (c.type === 'VARCHAR') {
    chunk.setColumnValues(i, c.values.slice(start, start + n) as DuckDBValue[]);
    return;
  }
  const values = c.values instanceof Float32Array ? Float64Array.from(c.values.subarray(start, start + n)) : c.values.subarray(start, start + n);
  const vector = duckdbBindings.data_chunk_get_vector(chunk.chunk, i);
  duckdbBindings.copy_data_to_vector(vector, 0, values.buffer as ArrayBuffer, values.byteOffset, values.byteLength);
}
