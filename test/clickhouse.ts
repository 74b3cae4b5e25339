import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { cliPath, repoRoot } from './helpers.js';

const script = join(repoRoot, 'scripts', 'clickhouse-cluster.sh');

/** A two-shard cluster started by the project's script on free loopback ports, in a temp folder. */
export interface TestCluster {
  dir: string;
  httpPorts: [number, number];
  tcpPorts: [number, number];
  /** The value for --clickhouse-url: both shards' HTTP URLs. */
  url: string;
  /** The pid of shard 1 or 2's server. */
  pid(shard: 1 | 2): number;
  stop(): void;
}

/** Ports nobody listens on right now (held open together so they differ, then released). */
export async function freePorts(n: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const s = createServer();
      await new Promise<void>((resolve, reject) => s.once('error', reject).listen(0, '127.0.0.1', resolve));
      servers.push(s);
    }
    return servers.map((s) => (s.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

export async function startCluster(): Promise<TestCluster> {
  // Directly under /tmp: the servers run as the clickhouse user, which must reach the folder.
  const dir = mkdtempSync('/tmp/spot-ml-clickhouse-');
  const [h1, h2, t1, t2, i1, i2] = await freePorts(6);
  const env = { ...process.env, CH_HTTP_PORTS: `${h1},${h2}`, CH_TCP_PORTS: `${t1},${t2}`, CH_INTERSERVER_PORTS: `${i1},${i2}` };
  const run = (action: string) => spawnSync('bash', [script, action, dir], { env, encoding: 'utf8', timeout: 120_000 });
  const started = run('start');
  if (started.status !== 0) {
    run('stop');
    throw new Error(`the test cluster did not start: ${started.stderr}${started.stdout}`);
  }
  return {
    dir,
    httpPorts: [h1, h2],
    tcpPorts: [t1, t2],
    url: `http://127.0.0.1:${h1},http://127.0.0.1:${h2}`,
    pid: (shard) => Number(readFileSync(join(dir, `shard${shard}`, 'pid'), 'utf8')),
    stop: () => {
      run('stop');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `spot-ml ARGS` asynchronously (the test process must stay free to stop and resume shards). */
export function runCliAsync(args: string[], env: Record<string, string> = {}, onStderr?: (all: string) => void): Promise<{ code: number; stderr: string; stdout: string; seconds: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      onStderr?.(stderr);
    });
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, seconds: (Date.now() - started) / 1000 }));
  });
}
