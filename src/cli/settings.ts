import { join, resolve } from 'node:path';
import { SpotError } from '../common/errors.js';
import { DEFAULT_MEMORY_LIMIT } from '../engine/duckdb.js';
import { analysisFor } from '../pipeline/analyses.js';
import type { AnalysisFlags, GivenFlag } from './analyze.js';
import { parseNumber } from './options.js';
import { CLUSTER_SETTINGS, checkClusterSettings } from './cluster-options.js';
import { feedbackFileOf, loadSpotConf, loadWrapperConf } from './spot-conf.js';
import {
  LIMITS, checkFolderPath, checkLdaSettings, checkMaxResults, checkNumber, checkThreads, parseDelimiter, parseMemoryLimit,
} from './validate-flags.js';

export type SettingSource = 'flag' | 'positional' | 'spot.conf' | 'default';

/** One analysis setting as a run used it (recorded in `<type>_summary.json` as `settings`). */
export interface Setting {
  value: string | number | boolean | null;
  source: SettingSource;
}

interface SettingSpec {
  /** The flag's name without `--` (the key in the summary's `settings`). */
  name: string;
  /** commander's attribute name. */
  key: keyof AnalysisFlags;
  /** The spot.conf key that sets it. */
  conf?: string;
  numeric?: boolean;
  /** Position after YYYYMMDD TYPE in the wrapper form, with its usage name. */
  positional?: [number, string];
}

/**
 * The analysis settings, in the order they are printed. Only these are ever read from spot.conf, printed
 * or recorded, so its passwords, tokens and Kerberos settings never are.
 */
const SPECS: readonly SettingSpec[] = [
  { name: 'threshold', key: 'threshold', conf: 'TOL', numeric: true, positional: [0, 'THRESHOLD'] },
  { name: 'maxresults', key: 'maxresults', numeric: true, positional: [1, 'MAXRESULTS'] },
  { name: 'userdomain', key: 'userdomain', conf: 'USER_DOMAIN' },
  { name: 'top-domains', key: 'topDomains' },
  { name: 'dupfactor', key: 'dupfactor', conf: 'DUPFACTOR', numeric: true },
  { name: 'ldatopiccount', key: 'ldatopiccount', conf: 'TOPIC_COUNT', numeric: true },
  { name: 'ldaoptimizer', key: 'ldaoptimizer', conf: 'LDA_OPTIMIZER' },
  { name: 'ldamaxiterations', key: 'ldamaxiterations', numeric: true },
  { name: 'ldaalpha', key: 'ldaalpha', conf: 'LDA_ALPHA', numeric: true },
  { name: 'ldabeta', key: 'ldabeta', conf: 'LDA_BETA', numeric: true },
  { name: 'prgseed', key: 'prgseed', numeric: true },
  { name: 'precision', key: 'precision', conf: 'PRECISION' },
  { name: 'delimiter', key: 'delimiter' },
  { name: 'header', key: 'header' },
  { name: 'threads', key: 'threads', numeric: true },
  { name: 'memory-limit', key: 'memoryLimit' },
  { name: 'scoring', key: 'scoring', conf: 'SCORING' },
  ...CLUSTER_SETTINGS,
];

export interface ResolvedRun {
  /** The flags with every setting and path resolved and checked. */
  flags: AnalysisFlags & { analysis: string; input: string; scored: string };
  settings: Record<string, Setting>;
  /** The spot.conf read, if any. */
  confPath?: string;
  /** The results delimiter (one character) and the engine's memory limit, normalised. */
  delimiter: string;
  memoryLimit: string;
}

interface ConfValues {
  path: string;
  value(key: string): string | undefined;
}

/**
 * Resolves a run's settings from the flag form or the wrapper form (`YYYYMMDD TYPE [THRESHOLD]
 * [MAXRESULTS]`), with where each came from (flag > positional > spot.conf > default), and checks every
 * one of them before any input is read. A flag that contradicts a positional value is an error. spot.conf
 * is read by the wrapper form, and by the flag form only when `--conf` is given.
 */
export async function resolveSettings(flags: AnalysisFlags, positional: readonly string[], given: GivenFlag): Promise<ResolvedRun> {
  const out: AnalysisFlags = { ...flags };
  let conf: ConfValues | undefined;
  let positionalValues: readonly (string | undefined)[] = [];
  const settings: Record<string, Setting> = {};
  if (positional.length > 0) {
    const [date, type, threshold, maxResults, ...rest] = positional;
    if (rest.length > 0 || !type) throw new SpotError('usage: spot-ml YYYYMMDD TYPE [THRESHOLD] [MAXRESULTS]');
    const analysis = analysisFor(type);
    if (given('analysis') && flags.analysis !== analysis.type)
      throw new SpotError(`TYPE ${type} (positional) contradicts --analysis ${flags.analysis}: give one of them`);
    const wrapper = await loadWrapperConf(flags.conf, analysis.type, date);
    conf = wrapper;
    const pathKey = `${analysis.type.toUpperCase()}_PATH`;
    const input = wrapper.value(pathKey);
    if (!input && !given('input') && (given('engine') ? flags.engine : wrapper.value('ENGINE')) !== 'clickhouse') throw new SpotError(`${wrapper.path} does not set ${pathKey}, where the day's ${type} data is`);
    out.analysis = analysis.type;
    out.input = given('input') ? flags.input : input;
    out.scored = given('scored') ? flags.scored : join(wrapper.hpath, 'scores');
    out.feedback = given('feedback') ? flags.feedback : feedbackFileOf(wrapper.hpath);
    out.date = given('date') ? flags.date : date;
    positionalValues = [threshold, maxResults];
    settings.analysis = { value: analysis.type, source: 'positional' };
  } else {
    if (!flags.analysis) throw new SpotError('--analysis is required (flow, dns or proxy), or use the form: spot-ml YYYYMMDD TYPE [THRESHOLD] [MAXRESULTS]');
    if (flags.conf) {
      const read = await loadSpotConf(flags.conf, { DSOURCE: flags.analysis, FDATE: '', YR: '', MH: '', DY: '' });
      conf = { path: read.path, value: (key) => (read.values[key] ?? '').trim() || undefined };
    }
    settings.analysis = { value: flags.analysis, source: 'flag' };
  }
  if (!out.input && !onCluster(flags, given, conf)) throw new SpotError('--input is required: a Parquet file, a folder or a glob');
  if (!out.scored) throw new SpotError('--scored is required: the folder for results');

  const labels: Record<string, string> = {};
  const record = out as unknown as Record<string, unknown>;
  for (const spec of SPECS) {
    const flagLabel = `--${spec.name}`;
    const raw = spec.positional ? positionalValues[spec.positional[0]] : undefined;
    const confRaw = spec.conf ? conf?.value(spec.conf) : undefined;
    let source: SettingSource;
    if (spec.positional && raw !== undefined) {
      const label = spec.positional[1];
      const value = parseNumber(label)(raw);
      if (given(spec.key) && flags[spec.key] !== value)
        throw new SpotError(`${label} ${raw} (positional) contradicts ${flagLabel} ${flags[spec.key]}: give one of them`);
      record[spec.key] = value;
      labels[spec.name] = label;
      source = 'positional';
    } else if (given(spec.key)) {
      labels[spec.name] = flagLabel;
      source = 'flag';
    } else if (conf && spec.conf && confRaw !== undefined) {
      const label = `${spec.conf} in ${conf.path}`;
      record[spec.key] = spec.numeric ? parseNumber(label)(confRaw) : confRaw;
      labels[spec.name] = label;
      source = 'spot.conf';
    } else {
      labels[spec.name] = flagLabel;
      source = 'default';
    }
    settings[spec.name] = { value: (record[spec.key] ?? null) as Setting['value'], source };
  }

  if (positional.length > 0 && !given('date')) settings.date = { value: out.date ?? null, source: 'positional' };
  checkClusterSettings(out, (name) => labels[name]);
  if (out.engine !== 'clickhouse') for (const spec of CLUSTER_SETTINGS) delete settings[spec.name];
  const checked = await checkSettings(out, (name) => labels[name]);
  settings.delimiter.value = checked.delimiter;
  settings['memory-limit'].value = checked.memoryLimit;
  if (settings.userdomain.value === '') settings.userdomain.value = null;
  if (typeof settings['top-domains'].value === 'string') settings['top-domains'].value = resolve(settings['top-domains'].value);
  return { flags: out as ResolvedRun['flags'], settings, confPath: conf?.path, ...checked };
}

/** The run reads a cluster's day (--engine clickhouse, or ENGINE in spot.conf): it has no --input. */
function onCluster(flags: AnalysisFlags, given: GivenFlag, conf?: ConfValues): boolean {
  return (given('engine') ? flags.engine : conf?.value('ENGINE') ?? flags.engine) === 'clickhouse';
}

/** Every setting's range, and the output folders' kind, before any input is read. */
async function checkSettings(f: AnalysisFlags, label: (name: string) => string): Promise<{ delimiter: string; memoryLimit: string }> {
  analysisFor(f.analysis ?? '');
  checkNumber(label('threshold'), f.threshold);
  checkMaxResults(label('maxresults'), f.maxresults);
  checkNumber(label('dupfactor'), f.dupfactor, { integer: true, min: 0, max: LIMITS.maxDupFactor });
  const ldaNames = { k: 'ldatopiccount', optimizer: 'ldaoptimizer', maxIterations: 'ldamaxiterations', alpha: 'ldaalpha', beta: 'ldabeta', seed: 'prgseed' };
  checkLdaSettings(
    { k: f.ldatopiccount, optimizer: f.ldaoptimizer, maxIterations: f.ldamaxiterations, alpha: f.ldaalpha, beta: f.ldabeta, seed: f.prgseed },
    (key) => label(ldaNames[key]),
  );
  if (f.precision !== '32' && f.precision !== '64') throw new SpotError(`${label('precision')} must be 32 or 64, got "${f.precision}"`);
  checkThreads(label('threads'), f.threads);
  const delimiter = parseDelimiter(label('delimiter'), f.delimiter);
  const memoryLimit = parseMemoryLimit(label('memory-limit'), f.memoryLimit ?? DEFAULT_MEMORY_LIMIT);
  await checkFolderPath('--scored', f.scored!);
  if (f.spillDir) await checkFolderPath('--spill-dir', f.spillDir);
  return { delimiter, memoryLimit };
}

/** The settings as printed at the start of a run: one line per source. */
export function formatSettings(settings: Readonly<Record<string, Setting>>, confPath?: string): string {
  const sources: SettingSource[] = ['positional', 'flag', 'spot.conf', 'default'];
  const show = (v: Setting['value']) =>
    v === null ? '(none)' : typeof v === 'string' ? JSON.stringify(v).slice(1, -1) || '""' : typeof v === 'number' ? formatNumber(v) : String(v);
  const lines: string[] = [];
  for (const source of sources) {
    const names = Object.keys(settings).filter((n) => settings[n].source === source);
    if (names.length === 0) continue;
    const from = source === 'spot.conf' && confPath ? `spot.conf ${confPath}` : source;
    lines.push(`settings from ${from}: ${names.map((n) => `${n}=${show(settings[n].value)}`).join(' ')}`);
  }
  return lines.join('\n');
}

/** A number as a person writes it: small ones with an exponent (1e-6, not 0.000001). */
export function formatNumber(v: number): string {
  return v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential() : String(v);
}
