import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sqlString } from '../src/engine/engine.js';
import { generateDnsDay } from '../src/demo/dns-day.js';
import { generateFlowDay } from '../src/demo/flow-day.js';
import { generateProxyDay } from '../src/demo/proxy-day.js';
import { DuckDbEngine } from '../src/engine/duckdb.js';
import { ConsoleApi } from '../src/console/api.js';
import { PRIVATE_RANGES } from '../src/console/allowlist.js';
import { catalogOfConf } from '../src/console/catalog.js';
import { ConsoleServer } from '../src/console/server.js';
import { runCliAsync, tempDir, withEngine } from './helpers.js';

export const DATE = '20160505';
/** DNS names that would run script if a page put them in as markup. */
export const PROBE_NAMES = ['"><img src=x onerror="window.__pwned=1">.evil.com', '<script>window.__pwned=2</script>.probe.com'];

export interface ConsoleDays {
  root: string;
  conf: string;
  scored: (type: string) => string;
  feedback: (type: string) => string;
}

/**
 * Small days of flow, DNS and proxy in Spot's layout (a spot.conf), each analysed through the wrapper form
 * reporting every event; the DNS day also holds queries for names carrying HTML and script.
 */
export async function consoleDays(name: string, hosts = 30, options: { scoring?: 'spot' | 'robust' } = {}): Promise<ConsoleDays> {
  const root = tempDir(name);
  await withEngine(async (engine) => {
    await generateFlowDay(engine, { root, rows: hosts * 100, hosts, date: DATE });
    const dnsDay = await generateDnsDay(engine, { root, rows: hosts * 60, hosts, date: DATE, userDomain: 'acme', tunnelQueries: 6 });
    await generateProxyDay(engine, { root, rows: hosts * 60, hosts, date: DATE, userDomain: 'acme', beaconRequests: 3 });
    const probes = PROBE_NAMES.map((n, i) => `SELECT * REPLACE (${sqlString(n)} AS dns_qry_name, 9000 + ${i} AS frame_len) FROM sample`).join(' UNION ALL ');
    await engine.exec(`
      CREATE TABLE sample AS SELECT * FROM read_parquet(${sqlString(join(dnsDay, '**', '*.parquet'))}) LIMIT 1;
      COPY (${probes}) TO ${sqlString(join(dnsDay, 'h=03', 'probe.parquet'))} (FORMAT parquet)`);
  });
  const conf = join(root, 'spot.conf');
  await writeFile(
    conf,
    [
      `HUSER='${root}'`,
      'FLOW_PATH=${HUSER}/${DSOURCE}/hive/y=${YR}/m=${MH}/d=${DY}/',
      'DNS_PATH=${HUSER}/${DSOURCE}/hive/y=${YR}/m=${MH}/d=${DY}/',
      'PROXY_PATH=${HUSER}/${DSOURCE}/hive/y=${YR}/m=${MH}/d=${DY}/',
      'HPATH=${HUSER}/${DSOURCE}/scored_results/${FDATE}',
      "USER_DOMAIN='acme'",
      'LDA_MAX_ITERATIONS=20',
      ...(options.scoring ? [`SCORING=${options.scoring}`] : []),
      '',
    ].join('\n'),
  );
  const hpath = (type: string) => join(root, type, 'scored_results', DATE);
  const days: ConsoleDays = { root, conf, scored: (t) => join(hpath(t), 'scores'), feedback: (t) => join(hpath(t), 'feedback', 'ml_feedback.csv') };
  for (const type of ['flow', 'dns', 'proxy']) await analyseDay(days, type);
  return days;
}

/** Analyses the day of `type` again (the wrapper form, reporting every event, with the day's feedback file). */
export async function analyseDay(days: ConsoleDays, type: string): Promise<void> {
  const run = await runCliAsync([DATE, type, '1', '-1', '--conf', days.conf, '--quiet']);
  assert.equal(run.code, 0, run.stderr);
}

/** The files of a run that only the topic model gives: robust runs no longer write them. */
export const TOPIC_MODEL_FILES = ['model', 'corpus.parquet', 'score_distribution.json'];

/** Removes the topic model's files from the type's run folder, as a robust run that fits no model leaves it. */
export async function dropTopicModelFiles(days: ConsoleDays, type: string): Promise<void> {
  for (const f of TOPIC_MODEL_FILES) await rm(join(days.scored(type), f), { recursive: true, force: true });
  for (const f of TOPIC_MODEL_FILES) assert.equal(existsSync(join(days.scored(type), f)), false, f);
}

export interface RunningConsole {
  url: string;
  server: ConsoleServer;
  close(): Promise<void>;
}

/** The console over the days' spot.conf, in this process, on a free port. */
export async function startConsole(days: ConsoleDays, options: { accessToken?: string } = {}): Promise<RunningConsole> {
  const engine = await DuckDbEngine.open({ threads: 2 });
  const api = new ConsoleApi(engine, await catalogOfConf(days.conf), { allowlistFile: join(days.root, 'allowlist.txt'), internal: PRIVATE_RANGES });
  await api.init();
  const server = new ConsoleServer(api, { host: '127.0.0.1', port: 0, accessToken: options.accessToken });
  const url = await server.listen();
  return {
    url,
    server,
    close: async () => {
      await server.close();
      await engine.close();
    },
  };
}
