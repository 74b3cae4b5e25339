/**
 * em on one corpus with this build's LDA engine and another build's, in one process, fit by fit in turns (old,
 * new, new, old, …): the fairest old-against-new figure on a shared machine (issue 16).
 *
 *   npm run build && node dist/bench/lda-ab.js --old /path/to/old/checkout [--corpus peers|flow:10m] [--runs 7]
 *     [--kernel native] [--threads 2]
 *
 * The old checkout must be built (its dist/src/lda/index.js, lda.wasm and em-native.node). Each fit is fitLda from
 * call to return (K = 20, 20 iterations, --precision 64, the metric on the last iteration, as lda-kernels.ts),
 * timed in wall and process CPU seconds; ns = median wall / (nonzeros × K × iterations). The two builds' models
 * are compared (θ, φ and the last log-likelihood, bit for bit) and the result printed.
 */
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as current from '../src/lda/index.js';
import { ensureDay, outRoot, parseCase } from './days.js';
import { flowDayCorpusTsv, generatedFlowCorpusTsv } from './flow-corpus.js';

const { values: opt } = parseArgs({
  options: {
    old: { type: 'string' },
    corpus: { type: 'string', default: 'peers' },
    runs: { type: 'string', default: '7' },
    kernel: { type: 'string', default: 'native' },
    threads: { type: 'string', default: '2' },
  },
});
if (!opt.old) throw new Error('--old: the checkout of the build to compare with');
const runs = Number(opt.runs);
const K = 20;
const iterations = 20;
const old = (await import(pathToFileURL(join(resolve(opt.old), 'dist/src/lda/index.js')).href)) as typeof current;

let file: string;
if (opt.corpus === 'peers') {
  file = await generatedFlowCorpusTsv(3_000_000, 45_000, join(outRoot, 'flow-3000000x45000.tsv'));
} else {
  const c = parseCase(opt.corpus);
  const { day } = await ensureDay(c.type, c.source, c.rows, c.hosts, c.label);
  file = await flowDayCorpusTsv(day, join(outRoot, `corpus-${c.type}-${c.label}.tsv`));
}
const { corpus } = await current.readCorpusTsv(file);
const nnz = corpus.docStart[corpus.numDocs];

const builds = { old, new: current } as const;
type Name = keyof typeof builds;
const times: Record<Name, { wall: number[]; cpu: number[] }> = { old: { wall: [], cpu: [] }, new: { wall: [], cpu: [] } };
const models: Partial<Record<Name, { model: current.LdaModel; ll: number }>> = {};
for (let r = 0; r < runs; r++) {
  for (const name of (r % 2 === 0 ? ['old', 'new'] : ['new', 'old']) as Name[]) {
    const lib = builds[name];
    let ll = NaN;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const model = await lib.fitLda(corpus, {
      k: K, optimizer: 'em', maxIterations: iterations, alpha: 1.02, beta: 1.001, seed: 12345, precision: 64, threads: Number(opt.threads),
      kernel: opt.kernel as 'native', onIteration: (_i, _t, _n, v) => (ll = v), metricAt: lib.metricOnLastIteration,
    });
    const wall = (performance.now() - t0) / 1000;
    const used = process.cpuUsage(cpu0);
    times[name].wall.push(wall);
    times[name].cpu.push((used.user + used.system) / 1e6);
    models[name] = { model, ll };
    process.stderr.write(`[lda-ab] ${name} run ${r + 1}/${runs}: ${wall.toFixed(2)} s, ${times[name].cpu.at(-1)!.toFixed(2)} s CPU, load ${loadavg()[0].toFixed(1)}\n`);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const bytes = (a: Float64Array | Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const a = models.old!;
const b = models.new!;
const same = bytes(a.model.theta).equals(bytes(b.model.theta)) && bytes(a.model.phi).equals(bytes(b.model.phi)) && Object.is(a.ll, b.ll);
process.stdout.write(
  `${opt.corpus}: ${corpus.numDocs} documents, ${nnz} nonzeros; K = ${K}, ${iterations} iterations, ${opt.threads} threads, kernel ${opt.kernel}, ` +
    `${runs} fits per build in turns; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n` +
    `the same model bit for bit (θ, φ, last log-likelihood): ${same ? 'yes' : 'NO'}\n\n` +
    '| build | fit s (median) | fit s (runs) | CPU s (median) | CPU s (runs) | ns / nonzero·topic·iteration |\n| --- | --- | --- | --- | --- | --- |\n' +
    (['old', 'new'] as Name[])
      .map((name) => {
        const t = times[name];
        return `| ${name === 'old' ? `old (${opt.old})` : 'new (this build)'} | ${median(t.wall).toFixed(3)} | ${t.wall.map((x) => x.toFixed(2)).join(' ')} | ${median(t.cpu).toFixed(2)} | ${t.cpu.map((x) => x.toFixed(2)).join(' ')} | ${((median(t.wall) * 1e9) / (nnz * K * iterations)).toFixed(3)} |`;
      })
      .join('\n') +
    '\n',
);
if (!same) process.exitCode = 1;
