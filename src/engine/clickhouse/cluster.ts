import { SpotError } from '../../common/errors.js';
import type { Statement } from '../dialect.js';
import { ClickHouseNode, type NodeAddress } from './node.js';

export const PASSWORD_ENV = 'SPOT_CLICKHOUSE_PASSWORD';
export const USER_ENV = 'SPOT_CLICKHOUSE_USER';
export const DEFAULT_DATABASE = 'spot';
export const DEFAULT_CLUSTER = 'spot';
export const DEFAULT_TIMEOUT_SECONDS = 30;

export interface ClusterOptions {
  /** One HTTP URL per node, comma-separated; the first coordinates distributed queries. */
  url: string;
  database: string;
  cluster: string;
  timeoutSeconds: number;
  /** The environment to read the user and password from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/**
 * The cluster spot-ml works on: every node (DDL runs on each one, since `ON CLUSTER` needs ZooKeeper) and
 * the first of them, which runs the distributed queries over the `Distributed` tables.
 */
export class ClickHouseCluster {
  private constructor(
    readonly nodes: readonly ClickHouseNode[],
    readonly database: string,
    readonly cluster: string,
  ) {}

  /** The node that runs distributed queries (the first URL). */
  get initiator(): ClickHouseNode {
    return this.nodes[0];
  }

  /** Connects to every node and checks that the cluster named in the config has one shard per URL. */
  static async connect(options: ClusterOptions): Promise<ClickHouseCluster> {
    const addresses = parseUrls(options.url, options.timeoutSeconds, options.env ?? process.env);
    checkName('--clickhouse-database', options.database);
    checkName('--clickhouse-cluster', options.cluster);
    const nodes = addresses.map((a) => new ClickHouseNode(a));
    const cluster = new ClickHouseCluster(nodes, options.database, options.cluster);
    try {
      await Promise.all(nodes.map((n) => n.ping()));
      const [{ shards }] = await cluster.rows<{ shards: string }>(
        `SELECT count(DISTINCT shard_num) AS shards FROM system.clusters WHERE cluster = ${chString(options.cluster)}`,
      );
      if (Number(shards) === 0) {
        throw new SpotError(`ClickHouse server ${cluster.initiator.name} has no cluster "${options.cluster}" in its remote_servers configuration (--clickhouse-cluster)`);
      }
      if (Number(shards) !== nodes.length) {
        throw new SpotError(
          `the cluster "${options.cluster}" has ${shards} shard(s) but --clickhouse-url names ${nodes.length} server(s): ` +
            `give the HTTP URL of one server per shard, comma-separated, so the tables can be created on each`,
        );
      }
      return cluster;
    } catch (err) {
      await cluster.close();
      throw err;
    }
  }

  /** `database`.`name` */
  table(name: string): string {
    return `${chIdent(this.database)}.${chIdent(name)}`;
  }

  /** A query over the Distributed tables, run by the initiator; rows as parsed JSON (64-bit integers as strings). */
  async rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    return this.watched((signal) => this.initiator.rows<T>(sql, { signal }));
  }

  /**
   * Runs statements while a watchdog pings every node each third of the timeout: a statement may run as
   * long as it needs while all servers answer, and is cancelled with a message naming the server as soon
   * as one stays silent for the timeout (a stopped shard would otherwise hold the initiator for minutes).
   */
  async watched<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const abort = new AbortController();
    let silent: SpotError | undefined;
    let pinging = false;
    const timeoutMs = this.initiator.address.timeoutSeconds * 1000;
    const timer = setInterval(() => {
      if (pinging || silent) return;
      pinging = true;
      Promise.all(this.nodes.map((n) => n.ping()))
        .catch((err: unknown) => {
          silent = err instanceof SpotError ? err : new SpotError(String(err));
          abort.abort();
        })
        .finally(() => (pinging = false));
    }, Math.max(250, timeoutMs / 3));
    try {
      return await work(abort.signal);
    } catch (err) {
      throw silent ?? err;
    } finally {
      clearInterval(timer);
    }
  }

  /** Runs a dialect's statements in order: on every node, or on the initiator. */
  async run(statements: readonly Statement[]): Promise<void> {
    for (const s of statements) {
      if (s.on === 'every node') await this.onEveryNode(() => s.sql);
      else await this.watched((signal) => this.initiator.command(s.sql, { settings: s.settings, signal }));
    }
  }

  /** Runs a statement on every node (DDL, partition operations), in node order. */
  async onEveryNode(sql: (node: ClickHouseNode, index: number) => string | undefined): Promise<void> {
    for (const [i, node] of this.nodes.entries()) {
      const statement = sql(node, i);
      if (statement) await this.watched((signal) => node.command(statement, { signal }));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.close().catch(() => undefined)));
  }
}

function parseUrls(list: string, timeoutSeconds: number, env: NodeJS.ProcessEnv): NodeAddress[] {
  const parts = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw new SpotError('--clickhouse-url expects the HTTP URL of each server, e.g. http://127.0.0.1:8123,http://127.0.0.1:8124');
  if (!(timeoutSeconds > 0)) throw new SpotError('--clickhouse-timeout must be a positive number of seconds');
  return parts.map((text) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new SpotError(`--clickhouse-url: not a URL: ${text.replace(/\/\/[^@/]*@/, '//')}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new SpotError(`--clickhouse-url: expected an http:// or https:// URL (the server's HTTP port), got ${url.protocol}//${url.host}`);
    }
    if (url.password) {
      throw new SpotError(`--clickhouse-url: do not put the password in the URL (it would show in process lists and logs); set ${PASSWORD_ENV}`);
    }
    const username = decodeURIComponent(url.username) || env[USER_ENV] || 'default';
    return {
      url: `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`,
      username,
      password: env[PASSWORD_ENV] ?? '',
      timeoutSeconds,
    };
  });
}

function checkName(flag: string, name: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new SpotError(`${flag} expects a plain name (letters, digits, _), got "${name}"`);
}

/** ClickHouse string literal (backslash escapes, as ClickHouse reads them). */
export function chString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** ClickHouse identifier. */
export function chIdent(name: string): string {
  return `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``;
}
