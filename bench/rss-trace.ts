/**
 * Where a run's peak memory is (issue 16): runs the flow analysis of a cached bench day under
 * `/usr/bin/time -v` with `SPOT_ML_PROFILE=1`, samples the analysis' RSS (/proc/PID/status) every 20 ms
 * and prints the process' CPU seconds, its peak RSS, when the peak came, and the statements that ended
 * just before and after it (the profile's lines), with the largest RSS between consecutive statement ends.
 *
 *   npm run build && node dist/bench/rss-trace.js [--day bench/out/data/flow-10m] [--build DIR] [--timeline]
 *
 * `--build` runs another build's CLI (a folder holding dist/, e.g. the old build to compare with); the bench
 * day must exist (bench/run.ts generates it). Not run by CI.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { repoRoot } from './days.js';

interface Line {
  at: number;
  text: string;
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** The analysis' pid: the child of /usr/bin/time. */
function childOf(pid: number): number | undefined {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0]) || undefined;
  } catch {
    return undefined;
  }
}

function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const day = resolve(option('--day', join(repoRoot, 'bench', 'out', 'data', 'flow-10m')));
  const build = resolve(option('--build', repoRoot));
  const scored = join(tmpdir(), `spot-ml-rss-trace-${process.pid}`);
  const args = [
    '-v', process.execPath, join(build, 'dist', 'src', 'cli', 'main.js'), '--analysis', 'flow', '--input', day, '--scored', scored,
    '--ldatopiccount', '20', '--ldamaxiterations', '20', '--ldaoptimizer', 'em', '--threshold', '1', '--maxresults', '1000',
  ];
  process.stderr.write(`running: SPOT_ML_PROFILE=1 /usr/bin/time ${args.join(' ')}\n`);
  const started = Date.now();
  const child = spawn('/usr/bin/time', args, { env: { ...process.env, SPOT_ML_PROFILE: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: Line[] = [];
  let stderr = '';
  let pending = '';
  child.stderr.on('data', (data: Buffer) => {
    stderr += data;
    const parts = (pending + data).split('\n');
    pending = parts.pop() ?? '';
    for (const text of parts) if (text) lines.push({ at: Date.now() - started, text });
  });
  const samples: { at: number; mb: number }[] = [];
  let pid: number | undefined;
  const timer = setInterval(() => {
    pid ??= childOf(child.pid!);
    const mb = pid && rssMb(pid);
    if (mb) samples.push({ at: Date.now() - started, mb });
  }, 20);
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  clearInterval(timer);
  rmSync(scored, { recursive: true, force: true });
  rmSync(`${scored}.runs`, { recursive: true, force: true });
  const field = (re: RegExp) => Number(re.exec(stderr)?.[1] ?? NaN);
  const cpu = field(/User time \(seconds\): ([\d.]+)/) + field(/System time \(seconds\): ([\d.]+)/);
  const maxRss = field(/Maximum resident set size \(kbytes\): (\d+)/) / 1024;
  const peak = samples.reduce((a, b) => (b.mb > a.mb ? b : a), { at: 0, mb: 0 });
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  console.log(`exit ${code}, wall ${((Date.now() - started) / 1000).toFixed(1)} s, CPU ${cpu.toFixed(1)} s, peak RSS ${maxRss.toFixed(0)} MB ` +
    `(sampled ${peak.mb.toFixed(0)} MB at ${(peak.at / 1000).toFixed(1)} s), load ${load}`);
  const profile = lines.filter((l) => !/^\s/.test(l.text) && !/^Command being timed/.test(l.text));
  const show = (l: Line) => `  ${(l.at / 1000).toFixed(1)} s  ${l.text.slice(0, 150)}`;
  console.log('before the peak:');
  for (const l of profile.filter((l) => l.at <= peak.at).slice(-3)) console.log(show(l));
  console.log('after:');
  for (const l of profile.filter((l) => l.at > peak.at).slice(0, 2)) console.log(show(l));
  if (process.argv.includes('--timeline')) {
    console.log('largest RSS (MB) since the previous line, at each line:');
    let from = 0;
    for (const l of profile) {
      const mb = samples.filter((s) => s.at > from && s.at <= l.at).reduce((m, s) => Math.max(m, s.mb), 0);
      if (!/^LDA em \d/.test(l.text)) console.log(`  ${String(Math.round(mb)).padStart(5)}  ${show(l).trim()}`);
      from = l.at;
    }
  }
  if (code !== 0) process.exitCode = 1;
}

await main();
