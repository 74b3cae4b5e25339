import { readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { SpotError } from '../common/errors.js';
import type { AnalysisType } from '../pipeline/analysis.js';
import { ANALYSIS_TYPES, openRun, runTypesIn, type ScoredRun } from '../explain/run-files.js';
import { feedbackFileOf, loadSpotConf, loadWrapperConf } from '../cli/spot-conf.js';

/** One scored day of one type that the console serves; requests name it by (day, type), never by path. */
export interface DayEntry {
  day: string;
  type: AnalysisType;
  /** The scored folder (`--scored`, or ${HPATH}/scores): read through, whatever it links to. */
  scoredDir: string;
  /** Where ratings go: the run's recorded feedbackPath, else Spot's ${HPATH}/feedback/ml_feedback.csv. */
  feedbackFile: string;
  /** How to run the day again when the run recorded no settings: Spot's wrapper form with this spot.conf. */
  confFile?: string;
}

export interface Catalog {
  entries: DayEntry[];
  /** Where the allow-list lives unless --allowlist says otherwise. */
  defaultAllowlist: string;
  /** spot.conf's INTERNAL_NETWORKS, when the console was opened with one. */
  internalNetworks?: string;
}

const SENTINEL = '29991231';

/** `--scored DIR`: the runs in one scored folder (one per type found). */
export async function catalogOfScored(dir: string, feedback?: string): Promise<Catalog> {
  const scoredDir = resolve(dir);
  const types = await runTypesIn(scoredDir);
  if (types.length === 0) throw new SpotError(`${dir} holds no scored run (no <type>_summary.json)`);
  const day = /(?:^|\/)(\d{8})(?:\/|$)/.exec(scoredDir)?.[1] ?? basename(scoredDir);
  const entries: DayEntry[] = [];
  for (const type of types) {
    const run = await openRun(scoredDir, type);
    entries.push({ day, type, scoredDir, feedbackFile: feedbackFileFor(run, feedback ?? join(dirname(scoredDir), 'feedback', 'ml_feedback.csv')) });
  }
  return { entries, defaultAllowlist: join(dirname(scoredDir), 'allowlist.txt') };
}

/**
 * `--conf spot.conf`: every day and type scored in the spot.conf layout. HPATH is resolved with a sentinel
 * date, and the folder holding the date is listed for YYYYMMDD names (the date is one path component, as
 * in Spot's `${HUSER}/${DSOURCE}/scored_results/${FDATE}`).
 */
export async function catalogOfConf(confFile: string): Promise<Catalog> {
  const entries: DayEntry[] = [];
  for (const type of ANALYSIS_TYPES) {
    const probe = await loadWrapperConf(confFile, type, SENTINEL);
    const at = probe.hpath.indexOf(SENTINEL);
    if (at < 0) continue;
    const parent = probe.hpath.slice(0, at);
    const names = await readdir(parent).catch(() => [] as string[]);
    for (const date of names.filter((n) => /^\d{8}$/.test(n)).sort()) {
      const conf = await loadWrapperConf(confFile, type, date);
      const scoredDir = resolve(join(conf.hpath, 'scores'));
      if (!(await runTypesIn(scoredDir)).includes(type)) continue;
      const run = await openRun(scoredDir, type);
      entries.push({ day: date, type, scoredDir, feedbackFile: feedbackFileFor(run, feedbackFileOf(conf.hpath)), confFile: resolve(confFile) });
    }
  }
  const { values } = await loadSpotConf(confFile, { DSOURCE: 'flow', FDATE: SENTINEL, YR: '2999', MH: '12', DY: '31' });
  const root = values.HUSER?.trim() || dirname(resolve(confFile));
  return { entries, defaultAllowlist: join(root, 'allowlist.txt'), internalNetworks: values.INTERNAL_NETWORKS?.trim() || undefined };
}

function feedbackFileFor(run: ScoredRun, fallback: string): string {
  return typeof run.summary.feedbackPath === 'string' && run.summary.feedbackPath ? run.summary.feedbackPath : fallback;
}

