/**
 * An LDA fit's timeline per thread (issue 16): reads the `TRACE` lines that fits write on stderr with
 * SPOT_ML_LDA_TRACE=1 (src/lda/trace.ts) and prints, for one fit, each phase's end (ms of wall since the fit's
 * start), the wall time since the thread's previous mark and the CPU time the thread spent in between:
 *
 *   SPOT_ML_LDA_TRACE=1 node dist/bench/lda-kernels.js --corpora peers --optimizers em --kernels native --runs 3 2> trace.txt
 *   node dist/bench/lda-timeline.js trace.txt [--fit N] [--all-iterations]
 *
 * --fit: which fit of the file (0 the first, -1 the last: the default); without --all-iterations the runs of
 * iterations are summed into one line per thread.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: { fit: { type: 'string', default: '-1' }, 'all-iterations': { type: 'boolean', default: false } },
});
if (positionals.length !== 1) throw new Error('usage: lda-timeline.js TRACE_FILE [--fit N] [--all-iterations]');

interface Mark {
  thread: string;
  wall: number;
  cpu: number;
  phase: string;
}

const fits: Mark[][] = [];
for (const line of readFileSync(positionals[0], 'utf8').split('\n')) {
  const m = /^TRACE (\S+) (\S+) (\S+) (.*)$/.exec(line);
  if (!m) continue;
  const mark = { thread: m[1], wall: Number(m[2]), cpu: Number(m[3]), phase: m[4] };
  if (mark.phase === 'fitLda start') fits.push([]);
  fits.at(-1)?.push(mark);
}
const n = Number(opt.fit);
const fit = fits.at(n);
if (!fit) throw new Error(`${positionals[0]}: no fit ${n} (${fits.length} fits traced)`);

const start = fit[0].wall;
const previous = new Map<string, Mark>();
const rows: string[][] = [];
const folded = new Map<string, { wall: number; cpu: number; count: number; end: number }>();
const flush = (thread: string) => {
  const f = folded.get(thread);
  if (!f) return;
  rows.push([thread, f.end.toFixed(1), f.wall.toFixed(1), f.cpu.toFixed(1), `${f.count} iteration tasks`]);
  folded.delete(thread);
};
for (const m of [...fit].sort((a, b) => a.wall - b.wall)) {
  const p = previous.get(m.thread);
  previous.set(m.thread, m);
  const wall = p ? m.wall - p.wall : m.wall - start;
  const cpu = p ? m.cpu - p.cpu : NaN;
  const iteration = /^(start|end) emIterate$/.test(m.phase) || /^iteration \d+$/.test(m.phase);
  if (iteration && !opt['all-iterations']) {
    const f = folded.get(m.thread) ?? { wall: 0, cpu: 0, count: 0, end: 0 };
    f.wall += wall;
    f.cpu += cpu;
    if (m.phase === 'end emIterate') f.count++;
    f.end = m.wall - start;
    folded.set(m.thread, f);
    continue;
  }
  flush(m.thread);
  rows.push([m.thread, (m.wall - start).toFixed(1), wall.toFixed(1), Number.isNaN(cpu) ? '-' : cpu.toFixed(1), m.phase]);
}
for (const thread of [...folded.keys()]) flush(thread);

process.stdout.write(`fit ${n} of ${fits.length} traced; per thread: the phase's end, wall ms since the thread's previous mark, the thread's CPU ms in between\n\n`);
process.stdout.write('| thread | at ms | wall ms | CPU ms | phase ended |\n| --- | --- | --- | --- | --- |\n');
for (const r of rows) process.stdout.write(`| ${r.join(' | ')} |\n`);
