import { DuckDbEngine } from '../engine/duckdb.js';
import { Progress, formatCount } from '../common/progress.js';
import { analysisFor } from '../pipeline/analyses.js';
import { runAnalysis, type RunOptions, type RunSummary } from '../pipeline/run.js';
import type { FeedbackSummary } from '../feedback/apply.js';
import { formatSettings, resolveSettings } from './settings.js';
import { nothingReportedLine } from './nothing-reported.js';
import { parseScoringMode } from '../scoring/mode.js';

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
  const engine = await DuckDbEngine.open({ threads: resolved.threads, memoryLimit: run.memoryLimit, tempDirectory: resolved.spillDir });
  try {
    const summary = await runAnalysis(engine, analysis, options, progress);
    printSummary(summary, formatSettings(run.settings, run.confPath));
    return summary;
  } finally {
    await engine.close();
  }
}

function printSummary(s: RunSummary, settings: string): void {
  const lines = [
    `spot-ml ${s.analysis}: ${formatCount(s.rowsRead)} rows read, ${formatCount(s.invalid)} invalid, ` +
      `${formatCount(s.notFeaturised)} could not be featurised, ${formatCount(s.scored)} scored, ` +
      `${formatCount(s.reported)} reported in ${s.seconds.toFixed(1)} s`,
    `results:         ${s.resultsFile}`,
    `invalid records: ${s.invalidRecordsDir}`,
    `model:           ${s.modelDir}`,
  ];
  if (s.feedback) lines.push(feedbackLine(s.feedback));
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
