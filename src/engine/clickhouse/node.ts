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

/**
 * One ClickHouse server over HTTP (@clickhouse/client), written for 18.16 and current releases alike:
 * results are read as JSONEachRow (64-bit integers come quoted: callers convert with Number/BigInt),
 * inserts of a prepared byte stream go through exec(). Every failure becomes one SpotError naming the server.
 */
export class ClickHouseNode {
  private readonly client: ClickHouseClient;

  constructor(readonly address: NodeAddress) {
    const ms = address.timeoutSeconds * 1000;
    this.client = createClient({
      url: address.url,
      username: address.username,
      password: address.password,
      request_timeout: ms,
      max_open_connections: 4,
      // 18.16 closes idle keep-alive sockets after 3 s; reuse them only well within that.
      keep_alive: { enabled: true, idle_socket_ttl: 1500 },
      // A long statement keeps its socket alive with progress headers, so the timeout only fires on silence.
      max_response_headers_size: 4 * 1024 * 1024,
      clickhouse_settings: sessionSettings(address.timeoutSeconds),
      log: { level: 127 as never },
    });
  }

  get name(): string {
    return this.address.url;
  }

  /** Checks that the server answers and accepts the login. */
  async ping(): Promise<void> {
    await this.rows('SELECT 1 AS ok');
  }

  /** A statement without a result (DDL, ALTER, INSERT … SELECT). */
  async command(sql: string, settings: ClickHouseSettings = {}): Promise<void> {
    await this.guard(sql, () => this.client.command({ query: sql, clickhouse_settings: settings }));
  }

  /** A query whose result is small; rows as parsed JSON (64-bit integers as strings). */
  async rows<T = Record<string, unknown>>(sql: string, settings: ClickHouseSettings = {}): Promise<T[]> {
    return this.guard(sql, async () => {
      const result = await this.client.query({ query: sql, format: 'JSONEachRow', clickhouse_settings: settings });
      return (await result.json()) as T[];
    });
  }

  /** `INSERT INTO … FORMAT F` with the data from a byte stream already in that format. */
  async insertStream(insertSql: string, data: Readable, settings: ClickHouseSettings = {}): Promise<void> {
    await this.guard(insertSql, async () => {
      const result = await this.client.exec({ query: insertSql, values: data, clickhouse_settings: settings });
      result.stream.resume();
      await new Promise<void>((resolve, reject) => {
        result.stream.on('end', resolve).on('error', reject);
      });
    });
  }

  async close(): Promise<void> {
    await this.client.close();
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
 * Settings sent with every request. The server's own timeouts towards the other shards follow the same
 * bound, so a shard that stops answering fails the statement instead of holding it for 5 minutes.
 * Names valid from 18.16 to current releases.
 */
function sessionSettings(timeoutSeconds: number): ClickHouseSettings {
  // Shorter than the client's own timeout, so the initiator's message naming the shard arrives first.
  const shardSeconds = Math.max(1, Math.floor(timeoutSeconds / 2));
  return {
    connect_timeout: shardSeconds,
    receive_timeout: shardSeconds,
    send_timeout: shardSeconds,
    send_progress_in_http_headers: 1,
    http_headers_progress_interval_ms: String(Math.max(100, Math.floor((timeoutSeconds * 1000) / 3))) as never,
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
