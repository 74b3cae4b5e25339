import { dirname } from 'node:path';
import { DuckDbEngine } from '../engine/duckdb.js';
import { Progress, formatCount } from '../common/progress.js';
import { analysisFor } from '../pipeline/analyses.js';
import { runAnalysis, type RunOptions, type RunSummary } from '../pipeline/run.js';
import { inRunFolder, throughScored } from '../output/run-folder.js';
import { engineFailure } from '../engine/failures.js';
import { findUndecodable, undecodableNote, type UndecodablePart } from '../pipeline/undecodable.js';
import { resolveInputFiles } from '../pipeline/input.js';
import type { FeedbackSummary } from '../feedback/apply.js';
import { formatSettings, resolveSettings } from './settings.js';
import { nothingReportedLine } from './nothing-reported.js';
import { parseScoringMode } from '../scoring/mode.js';
import type { ClusterFlags } from './cluster-options.js';
import { analyzeOnCluster } from './cluster-analyze.js';

/** The analysis flags as commander parsed them (Spot's names). */
export interface AnalysisFlags extends ClusterFlags {
  analysis?: string;
  input?: string;
  scored?: string;
  feedback?: string;
  dupfactor: number;
  userdomain?: string;
  topDomains?: string;
  threshold: number;
  maxresults: number;
  scoring: string;
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
  const run = await resolveSettings(flags, positional, given);
  const resolved = run.flags;
  const analysis = analysisFor(resolved.analysis);
  const options: RunOptions = {
    input: resolved.input,
    scoredDir: resolved.scored,
    threshold: resolved.threshold,
    maxResults: resolved.maxresults,
    delimiter: run.delimiter,
    scoring: parseScoringMode(resolved.scoring ?? 'spot'),
    header: resolved.header,
    userDomain: resolved.userdomain ?? '',
    topDomainsFile: resolved.topDomains,
    feedback: resolved.feedback ? { file: resolved.feedback, dupFactor: resolved.dupfactor, quiet: resolved.quiet } : undefined,
    settings: run.settings,
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
  progress.note(formatSettings(run.settings, run.confPath));
  const scored = resolved.scored;
  const summary = await inRunFolder(scored, { keepRuns: resolved.keepRuns, wait: resolved.wait }, async (runDir) => {
    if (resolved.engine === 'clickhouse') return analyzeOnCluster(resolved, analysis, { ...options, scoredDir: runDir }, run.memoryLimit, progress);
    const engine = await DuckDbEngine.open({
      threads: resolved.threads, memoryLimit: run.memoryLimit, tempDirectory: resolved.spillDir, keepBlocks: options.scoring === 'robust',
    })
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
  printSummary(summary, scored, formatSettings(run.settings, run.confPath));
  return summary;
}

function printSummary(run: RunSummary, scored: string, settings: string): void {
  // The run's own folder is where --scored now points: print the paths through --scored.
  const through = (p: string) => throughScored(scored, dirname(run.resultsFile), p);
  const s = { ...run, resultsFile: through(run.resultsFile), invalidRecordsDir: through(run.invalidRecordsDir) };
  const lines = [
    `spot-ml ${s.analysis}: ${formatCount(s.rowsRead)} rows read, ${formatCount(s.invalid)} invalid, ` +
      `${formatCount(s.notFeaturised)} could not be featurised, ${formatCount(s.scored)} scored, ` +
      `${formatCount(s.reported)} reported in ${s.seconds.toFixed(1)} s`,
    `results:         ${s.resultsFile}`,
    `invalid records: ${s.invalidRecordsDir}`,
  ];
  if (s.modelDir) lines.push(`model:           ${through(s.modelDir)}`);
  if (s.explanationFile) lines.push(`explained in:    ${through(s.explanationFile)}`);
  if (s.feedback) lines.push(feedbackLine(s.feedback));
  if (s.undecodable) lines.push(`undecodable:     ${undecodableNote(s.undecodable.parts)}`);
  if (s.reported === 0) lines.push(nothingReportedLine(s));
  lines.push(settings);
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
