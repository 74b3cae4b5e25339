import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { DuckDbEngine } from '../engine/duckdb.js';
import { Progress, formatCount } from '../common/progress.js';
import type { AnalysisType } from '../pipeline/analysis.js';
import { analysisFor } from '../pipeline/analyses.js';
import { runAnalysis } from '../pipeline/run.js';
import { DEFAULT_KEEP_RUNS, inRunFolder, throughScored } from '../output/run-folder.js';
import { generateFlowDay } from '../demo/flow-day.js';
import { generateDnsDay } from '../demo/dns-day.js';
import { generateProxyDay } from '../demo/proxy-day.js';
import { DEFAULTS } from './options.js';
import { checkFolderPath, checkNumber } from './validate-flags.js';
import type { Setting } from './settings.js';
import { RAW_FORMAT, rawRoundTrip } from '../demo/raw-logs.js';
import { summaryText } from './ingest-command.js';

/** 100,000 hosts make a 10M-flow day. */
const MAX_DEMO_HOSTS = 100_000;

const DATE = '20160505';
const USER_DOMAIN = 'spotdemo';
/** spot.conf's threshold for the demo days: it reports events of each type (1e-6 reported none). */
export const DEMO_TOL = '1e-4';

interface DemoDay {
  type: AnalysisType;
  what: string;
  rowsPerHost: number;
  generate(engine: Engine, root: string, rows: number, hosts: number): Promise<string>;
  /** Column titles and the fields shown of a results row (the score is shown first). */
  columns: string[];
  show(fields: string[]): string[];
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

const DAYS: readonly DemoDay[] = [
  {
    type: 'flow',
    what: 'netflow',
    rowsPerHost: 100,
    generate: (engine, root, rows, hosts) => generateFlowDay(engine, { root, rows, hosts, date: DATE }),
    columns: ['time', 'source', 'destination', 'proto', 'bytes in'],
    show: (f) => [f[0], `${f[8]}:${f[10]}`, `${f[9]}:${f[11]}`, f[12], f[14]],
  },
  {
    type: 'dns',
    what: 'DNS',
    rowsPerHost: 60,
    generate: (engine, root, rows, hosts) =>
      generateDnsDay(engine, { root, rows, hosts, date: DATE, userDomain: USER_DOMAIN, tunnelQueries: 6 }),
    columns: ['time', 'client', 'query', 'type', 'rcode'],
    show: (f) => [f[0], f[3], clip(f[4], 70), f[6], f[7]],
  },
  {
    type: 'proxy',
    what: 'proxy',
    rowsPerHost: 60,
    generate: (engine, root, rows, hosts) =>
      generateProxyDay(engine, { root, rows, hosts, date: DATE, userDomain: USER_DOMAIN, beaconRequests: 3 }),
    columns: ['date time', 'client', 'method', 'agent', 'uri'],
    show: (f) => [`${f[0]} ${f[1]}`, f[2], f[4], clip(f[5], 40), clip(f[18], 60)],
  },
];

/** `spot-ml demo`: a synthetic day of each type in Spot's layout, analysed, with the most suspicious events shown. */
export async function demoCommand(opts: { out: string; hosts: number; quiet: boolean; raw?: boolean }): Promise<void> {
  checkNumber('--hosts', opts.hosts, { integer: true, min: 10, max: MAX_DEMO_HOSTS });
  await checkFolderPath('--out', opts.out);
  const root = resolve(opts.out);
  const progress = new Progress(opts.quiet);
  await mkdir(root, { recursive: true });
  await writeFile(join(root, 'spot.conf'), demoSpotConf(root));
  const engine = await DuckDbEngine.open();
  progress.follow(() => engine.queryProgress());
  try {
    for (const day of DAYS) await demoDay(engine, day, root, opts.hosts, progress, Boolean(opts.raw));
    process.stdout.write(
      `\nthe same days through Spot's wrapper form: npx spot-ml ${DATE} flow|dns|proxy --conf ${join(root, 'spot.conf')}\n` +
        `(threshold ${DEMO_TOL} from its TOL; give one, and at most how many events, as in: npx spot-ml ${DATE} dns 1e-3 100 --conf ...)\n`,
    );
  } finally {
    await engine.close();
  }
}

async function demoDay(engine: Engine, day: DemoDay, root: string, hosts: number, progress: Progress, raw: boolean): Promise<void> {
  const rows = hosts * day.rowsPerHost;
  const folder = await progress.step(`generating a day of ${day.what} (${formatCount(rows)} events, ${formatCount(hosts)} hosts)`, () =>
    day.generate(engine, root, rows, hosts),
  );
  if (raw) {
    const { raw: file, report } = await progress.step(`writing it as ${RAW_FORMAT[day.type].format} and ingesting that`, () =>
      rawRoundTrip(engine, day.type, root, folder, true),
    );
    process.stdout.write(`\nraw ${day.what} log: ${file}\n${summaryText(report)}`);
  }
  const scoredDir = join(root, day.type, 'scored_results', DATE, 'scores');
  const summary = await inRunFolder(scoredDir, { keepRuns: DEFAULT_KEEP_RUNS }, (runDir) => runAnalysis(engine, analysisFor(day.type), {
    input: folder,
    scoredDir: runDir,
    threshold: 1,
    maxResults: 1000,
    delimiter: '\t',
    header: false,
    userDomain: USER_DOMAIN,
    lda: { k: DEFAULTS.topics, optimizer: 'em', maxIterations: DEFAULTS.iterations, alpha: DEFAULTS.alpha, beta: DEFAULTS.beta, seed: DEFAULTS.seed, precision: 64 },
    settings: demoSettings(day.type),
  }, progress));
  const lines = (await readFile(summary.resultsFile, 'utf8')).split('\n').filter(Boolean).slice(0, 10);
  const out = [
    `\n${day.what}: ${formatCount(summary.rowsRead)} events from ${folder}`,
    `${formatCount(summary.invalid)} invalid, ${formatCount(summary.scored)} scored in ${summary.seconds.toFixed(1)} s; the 10 least probable:`,
    ['score', ...day.columns].join('\t'),
    ...lines.map((l) => {
      const f = l.split('\t');
      return [Number(f[f.length - 1]).toExponential(3), ...day.show(f)].join('\t');
    }),
    `results: ${throughScored(scoredDir, dirname(summary.resultsFile), summary.resultsFile)}` +
      (summary.modelDir ? `\nmodel:   ${throughScored(scoredDir, dirname(summary.resultsFile), summary.modelDir)}` : ''),
  ];
  process.stdout.write(out.join('\n') + '\n');
}

/** The demo's own settings, recorded in each day's summary as every run's are (source: the demo's defaults). */
function demoSettings(type: AnalysisType): Record<string, Setting> {
  const values: Record<string, Setting['value']> = {
    analysis: type, threshold: 1, maxresults: 1000, userdomain: USER_DOMAIN, ldatopiccount: DEFAULTS.topics, ldaoptimizer: 'em',
    ldamaxiterations: DEFAULTS.iterations, ldaalpha: DEFAULTS.alpha, ldabeta: DEFAULTS.beta, prgseed: DEFAULTS.seed, precision: '64',
    delimiter: '\t', header: false,
  };
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { value, source: 'default' as const }]));
}

function demoSpotConf(root: string): string {
  return [
    '# spot.conf written by `spot-ml demo` (same keys as Apache Spot\'s)',
    `HUSER='${root}'`,
    'FLOW_PATH=${HUSER}/${DSOURCE}/hive/y=${YR}/m=${MH}/d=${DY}/',
    'DNS_PATH=${HUSER}/${DSOURCE}/hive/y=${YR}/m=${MH}/d=${DY}/',
    'PROXY_PATH=${HUSER}/${DSOURCE}/hive/y=${YR}/m=${MH}/d=${DY}/',
    'HPATH=${HUSER}/${DSOURCE}/scored_results/${FDATE}',
    `USER_DOMAIN='${USER_DOMAIN}'`,
    '# the demo days\' lowest scores are about 3e-6 to 1e-5: this threshold reports a few hundred to a few thousand events',
    `TOL=${DEMO_TOL}`,
    'TOPIC_COUNT=20',
    'DUPFACTOR=1000',
    '',
  ].join('\n');
}
