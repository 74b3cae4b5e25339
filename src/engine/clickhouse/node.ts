import type { Readable } from 'node:stream';
import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { SpotError } from '../../common/errors.js';

/** How to reach one ClickHouse server (one node of the cluster). */
export interface NodeAddress {
  /** http(s)://host:port, without credentials: safe to print. */
  url: string;
  username: string;
  /** From the environment only (SPOT_CLICKHOUSE_PASSWORD); never printed. */
  password: string;
  /** Seconds without an answer after which a request fails (connect, and idle time of a running statement). */
  timeoutSeconds: number;
}

/** Options of one statement: its settings, and a signal that cancels it (the cluster's watchdog). */
export interface StatementOptions {
  settings?: ClickHouseSettings;
  signal?: AbortSignal;
}

/** How long a statement may run at most while every server keeps answering (the watchdog bounds silence). */
const STATEMENT_HOURS = 12;

/**
 * One ClickHouse server over HTTP (@clickhouse/client), written for 18.16 and current releases alike:
 * results are read as JSONEachRow (64-bit integers come quoted: callers convert with Number/BigInt),
 * inserts of a prepared byte stream go through exec(). Every failure becomes one SpotError naming the server.
 * Two clients: `control` answers pings within the timeout; `work` runs statements, which may be long (18.16
 * sends nothing while a statement runs), cancelled through their signal when a server falls silent.
 */
export class ClickHouseNode {
  private readonly control: ClickHouseClient;
  private readonly work: ClickHouseClient;

  constructor(readonly address: NodeAddress) {
    const common = {
      url: address.url,
      username: address.username,
      password: address.password,
      // 18.16 closes idle keep-alive sockets after 3 s; reuse them only well within that.
      keep_alive: { enabled: true, idle_socket_ttl: 1500 },
      clickhouse_settings: sessionSettings(address.timeoutSeconds),
      log: { level: 127 as never },
    };
    this.control = createClient({ ...common, request_timeout: address.timeoutSeconds * 1000, max_open_connections: 2 });
    this.work = createClient({ ...common, request_timeout: STATEMENT_HOURS * 3600_000, max_open_connections: 4 });
  }

  get name(): string {
    return this.address.url;
  }

  /** Checks within the timeout that the server answers and accepts the login. */
  async ping(): Promise<void> {
    await this.guard('SELECT 1', async () => {
      const result = await this.control.query({ query: 'SELECT 1 AS ok', format: 'JSONEachRow' });
      await result.json();
    });
  }

  /** A statement without a result (DDL, ALTER, INSERT … SELECT). */
  async command(sql: string, options: StatementOptions = {}): Promise<void> {
    await this.guard(sql, () => this.work.command({ query: sql, clickhouse_settings: options.settings, abort_signal: options.signal }));
  }

  /** A query whose result is small; rows as parsed JSON (64-bit integers as strings). */
  async rows<T = Record<string, unknown>>(sql: string, options: StatementOptions = {}): Promise<T[]> {
    return this.guard(sql, async () => {
      const result = await this.work.query({ query: sql, format: 'JSONEachRow', clickhouse_settings: options.settings, abort_signal: options.signal });
      return (await result.json()) as T[];
    });
  }

  /** `INSERT INTO … FORMAT F` with the data from a byte stream already in that format. */
  async insertStream(insertSql: string, data: Readable, options: StatementOptions = {}): Promise<void> {
    await this.guard(insertSql, async () => {
      const result = await this.work.exec({ query: insertSql, values: data, clickhouse_settings: options.settings, abort_signal: options.signal });
      result.stream.resume();
      await new Promise<void>((resolve, reject) => {
        result.stream.on('end', resolve).on('error', reject);
      });
    });
  }

  /** A query's raw output (its FORMAT clause included in `sql`), piece by piece; `onPiece`'s promise is awaited (backpressure). */
  async streamBytes(sql: string, onPiece: (piece: Buffer) => void | Promise<void>, options: StatementOptions = {}): Promise<void> {
    await this.guard(sql, async () => {
      const result = await this.work.exec({ query: sql, clickhouse_settings: options.settings, abort_signal: options.signal });
      for await (const piece of result.stream) await onPiece(piece as Buffer);
    });
  }

  async close(): Promise<void> {
    await Promise.all([this.control.close(), this.work.close()]);
  }

  private async guard<T>(sql: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw explainFailure(this.address, sql, err);
    }
  }
}

/**
 * Settings sent with every request: the server's own timeouts towards the other shards, where the server
 * applies them (18.16's Distributed connection pools keep the server's defaults; the watchdog covers that).
 * Names valid from 18.16 to current releases.
 */
function sessionSettings(timeoutSeconds: number): ClickHouseSettings {
  // Shorter than the client's own timeout, so the initiator's message naming the shard arrives first.
  const shardSeconds = Math.max(1, Math.floor(timeoutSeconds / 2));
  return {
    // Small tables of the day's values travel inside the statements (ClickHouse `transform` maps).
    max_query_size: String(1 << 26),
    connect_timeout: shardSeconds,
    receive_timeout: shardSeconds,
    send_timeout: shardSeconds,
  } as ClickHouseSettings;
}

/** Turns a client or server error into one message naming the server (and the shard, when one failed behind it). */
export function explainFailure(address: NodeAddress, sql: string, err: unknown): SpotError {
  const server = `ClickHouse server ${address.url}`;
  const e = err as { code?: string; message?: string; type?: string };
  const message = redact(String(e?.message ?? err), address.password);
  const sysCode = e?.code ?? '';
  if (sysCode === 'ECONNREFUSED') return new SpotError(`${server} cannot be reached: connection refused (is it running, is the port right?)`);
  if (sysCode === 'ENOTFOUND' || sysCode === 'EAI_AGAIN') return new SpotError(`${server} cannot be reached: unknown host`);
  if (sysCode === 'ECONNRESET' || /socket hang up/i.test(message)) return new SpotError(`${server} closed the connection: ${message}`);
  if (/timeout/i.test(message) && !/DB::Exception/.test(message) && !/^\d+$/.test(sysCode)) {
    return new SpotError(`${server} did not answer within ${address.timeoutSeconds} s (--clickhouse-timeout)`);
  }
  // Server-side errors: ClickHouse's numeric code ("Code: 193, e.displayText() = …" from 18.16, "Code: 193. DB::Exception: …" later).
  const code = Number(/Code: (\d+)/.exec(message)?.[1] ?? sysCode);
  if (code === 192 || code === 193 || code === 194 || code === 516) {
    return new SpotError(`${server} refused the login of user "${address.username}": ${firstLine(message)} (password from SPOT_CLICKHOUSE_PASSWORD)`);
  }
  const shard = /(?:Received from|connect to|Connection refused \(|Timeout exceeded while reading from socket \(|while reading from socket \()\s*([\w.:[\]-]+:\d+)/.exec(message)?.[1];
  if (code === 279 || code === 210 || code === 209 || code === 159 || shard) {
    const where = shard ? `the shard ${shard}` : 'a shard';
    if (/Connection refused/i.test(message)) return new SpotError(`${server} cannot reach ${where}: connection refused (is it running?)`);
    return new SpotError(`${server} got no answer from ${where}: ${firstLine(message)}`);
  }
  return new SpotError(`${server} failed a statement: ${firstLine(message)}\n  statement: ${sql.replace(/\s+/g, ' ').trim().slice(0, 300)}`, 1);
}

function redact(text: string, password: string): string {
  return password ? text.split(password).join('***') : text;
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
