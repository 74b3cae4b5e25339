import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SpotError } from '../common/errors.js';
import type { AnalysisType } from '../pipeline/analysis.js';
import { CORPUS_FILE, DISTRIBUTION_FILE, type ScoreDistribution } from '../output/corpus.js';
import type { RunSummary } from '../pipeline/run.js';

export const ANALYSIS_TYPES: readonly AnalysisType[] = ['flow', 'dns', 'proxy'];

/** A setting as the summary records it (issue 10's contract): its value and where it came from. */
export interface RecordedSetting {
  value: unknown;
  source: 'flag' | 'positional' | 'spot.conf' | 'default';
}

/** `<type>_summary.json` as the run wrote it, with the fields later versions add (issue 10) optional. */
export type RunSummaryFile = RunSummary & {
  settings?: Record<string, RecordedSetting>;
  inputPath?: string;
  feedbackPath?: string | null;
};

/** One scored run of one type: the folder `--scored` names (a real folder or issue 11's link into the history). */
export interface ScoredRun {
  dir: string;
  type: AnalysisType;
  summary: RunSummaryFile;
  resultsFile: string;
  modelDir: string;
  corpusFile: string;
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The types with a summary in a scored folder. */
export async function runTypesIn(dir: string): Promise<AnalysisType[]> {
  const found: AnalysisType[] = [];
  for (const type of ANALYSIS_TYPES) if (await exists(join(dir, `${type}_summary.json`))) found.push(type);
  return found;
}

/** Opens the run of `type` (or the only type) in a scored folder. */
export async function openRun(dir: string, type?: AnalysisType): Promise<ScoredRun> {
  const types = type ? [type] : await runTypesIn(dir);
  if (types.length === 0) throw new SpotError(`${dir} holds no scored run (no <type>_summary.json)`);
  if (types.length > 1) throw new SpotError(`${dir} holds runs of ${types.join(', ')}: say which with --type`);
  const t = types[0];
  const summaryFile = join(dir, `${t}_summary.json`);
  const text = await readFile(summaryFile, 'utf8').catch((err: Error) => {
    throw new SpotError(`cannot read ${summaryFile}: ${err.message}`);
  });
  let summary: RunSummaryFile;
  try {
    summary = JSON.parse(text) as RunSummaryFile;
  } catch {
    throw new SpotError(`${summaryFile} is not JSON`);
  }
  return {
    dir,
    type: t,
    summary,
    resultsFile: join(dir, `${t}_results.csv`),
    modelDir: join(dir, 'model'),
    corpusFile: join(dir, CORPUS_FILE),
  };
}

/** A recorded setting's value (issue 10's `settings`), trying each of the names given. */
export function settingOf(run: ScoredRun, ...names: string[]): unknown {
  for (const n of names) {
    const s = run.summary.settings?.[n];
    if (s && s.value !== undefined && s.value !== null) return s.value;
  }
  return undefined;
}

export async function readDistribution(run: ScoredRun): Promise<ScoreDistribution | undefined> {
  const text = await readFile(join(run.dir, DISTRIBUTION_FILE), 'utf8').catch(() => undefined);
  return text ? (JSON.parse(text) as ScoreDistribution) : undefined;
}
