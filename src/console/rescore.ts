import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ApiError } from './api-error.js';
import type { DayState } from './day-state.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** Flags the console sets itself, never taken from the recorded settings. */
const OWN = new Set(['analysis', 'input', 'scored', 'feedback', 'conf', 'quiet', 'q']);

export interface RescoreJob {
  id: string;
  day: string;
  type: string;
  state: 'running' | 'done' | 'failed';
  /** The command's stderr lines (its progress), the last 200. */
  lines: string[];
  exitCode: number | null;
  started: string;
  finished: string | null;
  args: string[];
}

/**
 * The command line that runs the day again with its feedback: the recorded settings and input (issue 10's
 * `settings` and `inputPath` in the summary); a run without them but found through spot.conf is run in
 * Spot's wrapper form, reporting as many events as before (threshold 1, maxresults = the events reported).
 */
export function rescoreArgs(day: DayState): string[] {
  const { summary } = day.run;
  const entry = day.entry;
  if (summary.settings && typeof summary.inputPath === 'string') {
    const args = ['--analysis', entry.type, '--input', summary.inputPath, '--scored', entry.scoredDir, '--feedback', entry.feedbackFile];
    for (const [name, setting] of Object.entries(summary.settings)) {
      if (OWN.has(name) || setting.source === 'default' || setting.value === null || setting.value === undefined) continue;
      if (setting.value === true) args.push(`--${name}`);
      else if (setting.value !== false) args.push(`--${name}`, String(setting.value));
    }
    return args;
  }
  if (entry.confFile) {
    const maxResults = summary.reported > 0 ? String(summary.reported) : '-1';
    return [entry.day, entry.type, '1', maxResults, '--conf', entry.confFile];
  }
  throw new ApiError(409, 'this run records neither its settings nor its input (made before spot-ml recorded them): run it again from the command line, or open the console with --conf');
}

/** Re-scoring jobs, one at a time per day and type, run as the CLI in a child process. */
export class Rescorer {
  private readonly jobs = new Map<string, RescoreJob>();
  private readonly children = new Set<ChildProcess>();
  private next = 1;

  job(id: string): RescoreJob | undefined {
    return this.jobs.get(id);
  }

  running(day: DayState): RescoreJob | undefined {
    return [...this.jobs.values()].find((j) => j.state === 'running' && j.day === day.entry.day && j.type === day.entry.type);
  }

  start(day: DayState, onDone: (job: RescoreJob) => Promise<void>): RescoreJob {
    if (this.running(day)) throw new ApiError(409, `a re-score of ${day.entry.day} ${day.entry.type} is already running`);
    const args = rescoreArgs(day);
    const job: RescoreJob = {
      id: String(this.next++),
      day: day.entry.day,
      type: day.entry.type,
      state: 'running',
      lines: [],
      exitCode: null,
      started: new Date().toISOString(),
      finished: null,
      args,
    };
    this.jobs.set(job.id, job);
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
    this.children.add(child);
    const take = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split(/\r?\n|\r/)) if (line.trim()) job.lines.push(line.trimEnd());
      if (job.lines.length > 200) job.lines.splice(0, job.lines.length - 200);
    };
    child.stderr!.on('data', take);
    child.stdout!.on('data', take);
    child.on('close', (code) => {
      this.children.delete(child);
      job.exitCode = code;
      void onDone(job)
        .catch((err: Error) => job.lines.push(`console: ${err.message}`))
        .finally(() => {
          job.state = code === 0 ? 'done' : 'failed';
          job.finished = new Date().toISOString();
        });
    });
    child.on('error', (err) => job.lines.push(`console: cannot start spot-ml: ${err.message}`));
    return job;
  }

  /** Stops running jobs (server shutdown). */
  stopAll(): void {
    for (const c of this.children) c.kill('SIGTERM');
  }
}
