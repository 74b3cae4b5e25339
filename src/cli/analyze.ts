import { dirname, join, relative } from 'node:path';
import { DuckDbEngine } from '../engine/duckdb.js';
import { SpotError } from '../common/errors.js';
import { Progress, formatCount } from '../common/progress.js';
import { analysisFor } from '../pipeline/analyses.js';
import { runAnalysis, type RunOptions, type RunSummary } from '../pipeline/run.js';
import { inRunFolder } from '../output/run-folder.js';
import { engineFailure } from '../engine/failures.js';
import { findUndecodable, undecodableNote, type UndecodablePart } from '../pipeline/undecodable.js';
import { resolveInputFiles } from '../pipeline/input.js';
import type { FeedbackSummary } from '../feedback/apply.js';
import { parseNumber } from './options.js';
import { feedbackFileOf, loadWrapperConf } from './spot-conf.js';

/** The analysis flags as commander parsed them (Spot's names). */
export interface AnalysisFlags {
  analysis?: string;
  input?: string;
  scored?: string;
  feedback?: string;
  dupfactor: number;
  userdomain?: string;
  topDomains?: string;
  threshold: number;
  maxresults: number;
  delimiter: string;
  header: boolean;
  ldatopiccount: number;
  ldaoptimizer: 'em' | 'online';
  ldamaxiterations: number;
  ldaalpha: number;
  ldabeta: number;
  prgseed: number;
  precision: string;
  threads?: number;
  memoryLimit?: string;
  spillDir?: string;
  conf?: string;
  quiet: boolean;
  keepRuns: number;
  wait: boolean;
}

/** Which flags the user gave on the command line (they win over spot.conf). */
export type GivenFlag = (name: keyof AnalysisFlags) => boolean;

export async function analyzeCommand(flags: AnalysisFlags, positional: string[], given: GivenFlag): Promise<RunSummary> {
  const resolved = positional.length > 0 ? await fromWrapperForm(flags, positional, given) : flags;
  if (!resolved.analysis) throw new SpotError('--analysis is required (flow, dns or proxy), or use the form: spot-ml YYYYMMDD TYPE [THRESHOLD] [MAXRESULTS]');
  if (!resolved.input) throw new SpotError('--input is required: a Parquet file, a folder or a glob');
  if (!resolved.scored) throw new SpotError('--scored is required: the folder for results');
  const analysis = analysisFor(resolved.analysis);
  if (resolved.ldaoptimizer !== 'em' && resolved.ldaoptimizer !== 'online')
    throw new SpotError(`the LDA optimizer must be em or online, got "${resolved.ldaoptimizer}"`);
  if (resolved.precision !== '32' && resolved.precision !== '64')
    throw new SpotError(`the precision must be 32 or 64, got "${resolved.precision}"`);
  const options: RunOptions = {
    input: resolved.input,
    scoredDir: resolved.scored,
    threshold: resolved.threshold,
    maxResults: resolved.maxresults,
    delimiter: unescapeDelimiter(resolved.delimiter),
    header: resolved.header,
    userDomain: resolved.userdomain ?? '',
    topDomainsFile: resolved.topDomains,
    feedback: resolved.feedback ? { file: resolved.feedback, dupFactor: resolved.dupfactor } : undefined,
    lda: {
      k: resolved.ldatopiccount,
      optimizer: resolved.ldaoptimizer,
      maxIterations: resolved.ldamaxiterations,
      alpha: resolved.ldaalpha,
      beta: resolved.ldabeta,
      seed: resolved.prgseed,
      precision: resolved.precision === '32' ? 32 : 64,
      threads: resolved.threads,
    },
  };
  const progress = new Progress(resolved.quiet);
  const scored = resolved.scored;
  const summary = await inRunFolder(scored, { keepRuns: resolved.keepRuns, wait: resolved.wait }, async (runDir) => {
    const engine = await DuckDbEngine.open({ threads: resolved.threads, memoryLimit: resolved.memoryLimit, tempDirectory: resolved.spillDir })
      .catch((err) => { throw engineFailure(err) ?? err; });
    const attempt = (skipRowGroups?: UndecodablePart[]) => runAnalysis(engine, analysis, { ...options, scoredDir: runDir, skipRowGroups }, progress);
    try {
      return await attempt().catch(async (err) => {
        const found = engineFailure(err) ?? (await findUndecodable(engine, await resolveInputFiles(engine, options.input).catch(() => []), err));
        if (!Array.isArray(found)) throw found ?? err;
        // Corrupt row groups: the run starts again without them, and reports them.
        progress.note(undecodableNote(found));
        return attempt(found);
      });
    } catch (err) {
      throw engineFailure(err) ?? err;
    } finally {
      await engine.close();
    }
  });
  printSummary(summary, scored);
  return summary;
}

function printSummary(run: RunSummary, scored: string): void {
  // The run's own folder is where --scored now points: print the paths through --scored.
  const through = (p: string) => join(scored, relative(dirname(run.resultsFile), p));
  const s = { ...run, resultsFile: through(run.resultsFile), invalidRecordsDir: through(run.invalidRecordsDir), modelDir: through(run.modelDir) };
  const lines = [
    `spot-ml ${s.analysis}: ${formatCount(s.rowsRead)} rows read, ${formatCount(s.invalid)} invalid, ` +
      `${formatCount(s.notFeaturised)} could not be featurised, ${formatCount(s.scored)} scored, ` +
      `${formatCount(s.reported)} reported in ${s.seconds.toFixed(1)} s`,
    `results:         ${s.resultsFile}`,
    `invalid records: ${s.invalidRecordsDir}`,
    `model:           ${s.modelDir}`,
  ];
  if (s.feedback) lines.push(feedbackLine(s.feedback));
  if (s.undecodable) lines.push(`undecodable:     ${undecodableNote(s.undecodable.parts)}`);
  process.stdout.write(lines.join('\n') + '\n');
}

function feedbackLine(f: FeedbackSummary): string {
  if (!f.found) return `feedback:        none (no file at ${f.file})`;
  return (
    `feedback:        ${f.file}: ${formatCount(f.ratedLow)} low-risk (${formatCount(f.lowRiskUsed)} used ×${f.dupFactor}, ` +
    `${formatCount(f.lowRiskUnusable)} unmatched or unusable), ${formatCount(f.ratedMedium)} medium, ` +
    `${formatCount(f.ratedHigh)} high, ${formatCount(f.malformed)} malformed lines skipped`
  );
}

function unescapeDelimiter(d: string): string {
  const value = d === '\\t' ? '\t' : d;
  if (value.length !== 1) throw new SpotError(`--delimiter must be one character, got "${d}"`);
  return value;
}

/** `spot-ml YYYYMMDD TYPE [THRESHOLD] [MAXRESULTS]`, with paths and defaults from spot.conf (SPEC §9). */
async function fromWrapperForm(flags: AnalysisFlags, positional: string[], given: GivenFlag): Promise<AnalysisFlags> {
  const [date, type, threshold, maxResults, ...rest] = positional;
  if (rest.length > 0 || !type) throw new SpotError('usage: spot-ml YYYYMMDD TYPE [THRESHOLD] [MAXRESULTS]');
  const analysis = analysisFor(type);
  const conf = await loadWrapperConf(flags.conf, type, date);
  const v = conf.value;
  const num = (key: string, parser: (s: string) => number) => {
    const s = v(key);
    return s === undefined ? undefined : parser(s);
  };
  const pathKey = `${analysis.type.toUpperCase()}_PATH`;
  const input = v(pathKey);
  if (!input) throw new SpotError(`${conf.path} does not set ${pathKey}, where the day's ${type} data is`);
  const hpath = conf.hpath;
  const pick = <K extends keyof AnalysisFlags>(name: K, fromConf: AnalysisFlags[K] | undefined): AnalysisFlags[K] =>
    given(name) || fromConf === undefined ? flags[name] : fromConf;
  return {
    ...flags,
    analysis: type,
    input: given('input') ? flags.input : input,
    scored: given('scored') ? flags.scored : join(hpath, 'scores'),
    feedback: given('feedback') ? flags.feedback : feedbackFileOf(hpath),
    threshold: threshold !== undefined ? parseNumber('THRESHOLD')(threshold) : pick('threshold', num('TOL', parseNumber('TOL'))),
    maxresults: maxResults !== undefined ? parseNumber('MAXRESULTS', { integer: true })(maxResults) : flags.maxresults,
    userdomain: pick('userdomain', v('USER_DOMAIN')),
    ldatopiccount: pick('ldatopiccount', num('TOPIC_COUNT', parseNumber('TOPIC_COUNT', { integer: true, min: 1 }))),
    dupfactor: pick('dupfactor', num('DUPFACTOR', parseNumber('DUPFACTOR', { integer: true, min: 0 }))),
    ldaoptimizer: pick('ldaoptimizer', v('LDA_OPTIMIZER') as 'em' | 'online' | undefined),
    ldaalpha: pick('ldaalpha', num('LDA_ALPHA', parseNumber('LDA_ALPHA'))),
    ldabeta: pick('ldabeta', num('LDA_BETA', parseNumber('LDA_BETA'))),
    precision: pick('precision', v('PRECISION')),
  };
}
