import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DuckDbEngine } from '../engine/duckdb.js';
import { Progress, formatCount } from '../common/progress.js';
import { analysisFor } from '../pipeline/analyses.js';
import { runAnalysis } from '../pipeline/run.js';
import { generateFlowDay } from '../demo/flow-day.js';
import { DEFAULTS } from './options.js';

const DATE = '20160505';

/** What src/demo/flow-day.ts injects, and an address that identifies it. */
const FLOW_ODDITIES: [string, string][] = [
  ['port scan of a web server from 198.51.100.23 at 02:30', '198.51.100.23'],
  ['night-time 50 MB transfers from a workstation to 203.0.113.66:4444', '203.0.113.66'],
  ['a DNS server sending 9 MB over TCP to 198.51.100.9 at 04:02', '198.51.100.9'],
];

/** `spot-ml demo`: a synthetic day in Spot's layout, analysed, with the most suspicious events shown. */
export async function demoCommand(opts: { out: string; hosts: number; quiet: boolean }): Promise<void> {
  const root = resolve(opts.out);
  const progress = new Progress(opts.quiet);
  await mkdir(root, { recursive: true });
  await writeFile(join(root, 'spot.conf'), demoSpotConf(root));
  const engine = await DuckDbEngine.open();
  try {
    const rows = opts.hosts * 100;
    const day = await progress.step(`generating a day of netflow (${formatCount(rows)} flows, ${formatCount(opts.hosts)} hosts)`, () =>
      generateFlowDay(engine, { root, rows, hosts: opts.hosts, date: DATE }),
    );
    const scoredDir = join(root, 'flow', 'scored_results', DATE, 'scores');
    const summary = await runAnalysis(engine, analysisFor('flow'), {
      input: day,
      scoredDir,
      threshold: 1,
      maxResults: 1000,
      delimiter: '\t',
      header: false,
      userDomain: '',
      lda: { k: DEFAULTS.topics, optimizer: 'em', maxIterations: DEFAULTS.iterations, alpha: DEFAULTS.alpha, beta: DEFAULTS.beta, seed: DEFAULTS.seed, precision: 64 },
    }, progress);
    const all = (await readFile(summary.resultsFile, 'utf8')).split('\n').filter(Boolean);
    const lines = all.slice(0, 10);
    const rankOf = (ip: string) => all.findIndex((l) => l.includes(`\t${ip}\t`)) + 1;
    const out = [
      `\nnetflow: ${formatCount(summary.rowsRead)} flows from ${day}`,
      `${formatCount(summary.invalid)} invalid, ${formatCount(summary.scored)} scored in ${summary.seconds.toFixed(1)} s; the 10 least probable:`,
      ['score', 'time', 'source', 'destination', 'proto', 'bytes in'].join('\t'),
      ...lines.map((l) => {
        const f = l.split('\t');
        return [Number(f[17]).toExponential(3), f[0], `${f[8]}:${f[10]}`, `${f[9]}:${f[11]}`, f[12], f[14]].join('\t');
      }),
      `\nthe injected oddities, by their best rank among ${formatCount(summary.scored)} flows (0 = not in the 1000 lowest):`,
      ...FLOW_ODDITIES.map(([what, ip]) => `  #${rankOf(ip)}\t${what}`),
      `\nresults: ${summary.resultsFile}\nmodel:   ${summary.modelDir}`,
      `the same day through Spot's wrapper form: npx spot-ml ${DATE} flow 1e-3 100 --conf ${join(root, 'spot.conf')}`,
    ];
    process.stdout.write(out.join('\n') + '\n');
  } finally {
    await engine.close();
  }
}

function demoSpotConf(root: string): string {
  return [
    '# spot.conf written by `spot-ml demo` (same keys as Apache Spot\'s)',
    `HUSER='${root}'`,
    'FLOW_PATH=${HUSER}/${DSOURCE}/hive/y=${YR}/m=${MH}/d=${DY}/',
    'DNS_PATH=${HUSER}/${DSOURCE}/hive/y=${YR}/m=${MH}/d=${DY}/',
    'PROXY_PATH=${HUSER}/${DSOURCE}/hive/y=${YR}/m=${MH}/d=${DY}/',
    'HPATH=${HUSER}/${DSOURCE}/scored_results/${FDATE}',
    'USER_DOMAIN=\'\'',
    'TOL=1e-6',
    'TOPIC_COUNT=20',
    'DUPFACTOR=1000',
    '',
  ].join('\n');
}
