/**
 * A CPU-use trace of one CLI run (issue 13, session 8): how much of the machine's cores a run leaves idle,
 * stage by stage. Runs the analysis as bench/run.js does and samples the process every 100 ms from /proc:
 * its CPU seconds (all threads) and how many of its threads are runnable (state R). Runnable threads are
 * the run's demand for cores whatever else the machine runs, so "idle core-seconds" (Σ max(0, cores −
 * runnable) × dt) estimates what an idle machine with `--cores` cores would leave unused, even when the
 * trace is taken on a loaded one. Stages are marked by the run's progress lines on stderr.
 *
 *   npx tsc -p . && node dist/bench/cpu-trace.js [DAY_DIR] [--scoring spot|robust] [--cores 2] [--cli dist/src/cli/main.js] [--trace FILE] [--scored DIR]
 *
 * Default day: bench/out/data/flow-10m. --trace writes every sample (t, cpu s, runnable threads, stage) as TSV; --scored keeps the run's output there
 * (default: a folder of its own under bench/out/runs, removed after the run).
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { outRoot, repoRoot } from './days.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system, all threads) and runnable threads of a live process, or undefined once gone. */
function sample(pid: number): { cpu: number; runnable: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS;
    let runnable = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        const t = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
        if (t.slice(t.lastIndexOf(')') + 2, t.lastIndexOf(')') + 3) === 'R') runnable++;
      } catch {
        // the thread ended between the listing and the read
      }
    }
    return { cpu, runnable };
  } catch {
    return undefined;
  }
}

interface Stage {
  name: string;
  start: number;
  end: number;
  cpu0: number;
  cpu1: number;
  runnableSum: number;
  idleCoreSeconds: number;
  samples: number;
}

async function main(): Promise<void> {
  const valued = new Set(['--scoring', '--cores', '--cli', '--trace', '--scored']);
  const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !(i > 0 && valued.has(all[i - 1])));
  const day = positional[0] ?? join(outRoot, 'data', 'flow-10m');
  const scoring = arg('--scoring') ?? 'spot';
  const cores = Number(arg('--cores') ?? 2);
  const cli = resolve(arg('--cli') ?? join(repoRoot, 'dist', 'src', 'cli', 'main.js'));
  const traceFile = arg('--trace');
  const keep = arg('--scored');
  const scored = keep ? resolve(keep) : join(outRoot, 'runs', `cpu-trace-${process.pid}-${scoring}`);
  const args = [cli, '--analysis', 'flow', '--input', day, '--scored', scored, '--ldatopiccount', '20', '--ldamaxiterations', '20',
    '--ldaoptimizer', 'em', '--threshold', '1', '--maxresults', '1000', '--scoring', scoring];
  process.stderr.write(`running: ${process.execPath} ${args.join(' ')}\n`);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: process.env });
  const t0 = Date.now();
  const stages: Stage[] = [];
  const trace: string[] = ['t\tcpu\trunnable\tstage'];
  let last = { t: 0, cpu: 0 };
  const open = (name: string) => {
    const now = (Date.now() - t0) / 1000;
    const prev = stages.at(-1);
    if (prev) prev.end = now;
    stages.push({ name, start: now, end: now, cpu0: last.cpu, cpu1: last.cpu, runnableSum: 0, idleCoreSeconds: 0, samples: 0 });
  };
  open('start');
  let pending = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    process.stderr.write(chunk);
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    // A step's line is printed when it ends ("label: 12.3 s"): what follows is the next stage.
    for (const line of lines) if (/: [\d.]+ s/.test(line) || /^LDA .* 1\//.test(line)) open(`after: ${line.slice(0, 60)}`);
  });
  const timer = setInterval(() => {
    const s = sample(child.pid!);
    if (!s) return;
    const t = (Date.now() - t0) / 1000;
    const dt = t - last.t;
    const stage = stages.at(-1)!;
    stage.cpu1 = s.cpu;
    stage.runnableSum += s.runnable;
    stage.samples++;
    stage.idleCoreSeconds += Math.max(0, cores - s.runnable) * dt;
    last = { t, cpu: s.cpu };
    trace.push(`${t.toFixed(2)}\t${s.cpu.toFixed(2)}\t${s.runnable}\t${stages.length - 1}`);
  }, 100);
  const code: number = await new Promise((res) => child.on('exit', (c) => res(c ?? 1)));
  clearInterval(timer);
  stages.at(-1)!.end = (Date.now() - t0) / 1000;
  if (!keep) rmSync(scored, { recursive: true, force: true });
  if (code !== 0) throw new Error(`the run failed (exit ${code})`);
  if (traceFile) writeFileSync(traceFile, trace.join('\n') + '\n');
  const rows = stages.filter((s) => s.samples > 0).map((s) => {
    const wall = s.end - s.start;
    return `| ${s.name.replace(/\|/g, '/')} | ${wall.toFixed(1)} | ${(s.cpu1 - s.cpu0).toFixed(1)} | ${(s.runnableSum / s.samples).toFixed(2)} | ${s.idleCoreSeconds.toFixed(1)} |`;
  });
  const wall = (Date.now() - t0) / 1000;
  const idle = stages.reduce((a, s) => a + s.idleCoreSeconds, 0);
  process.stdout.write([
    `| stage (from the line that ended the previous one) | wall s | CPU s | mean runnable threads | idle core-s (${cores} cores) |`,
    '| --- | --- | --- | --- | --- |',
    ...rows,
    `| whole run (${scoring}) | ${wall.toFixed(1)} | ${last.cpu.toFixed(1)} | | ${idle.toFixed(1)} |`,
  ].join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
