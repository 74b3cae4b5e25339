/**
 * The LDA kernels, old (the JavaScript reference, WebAssembly SIMD) beside new (native em iterations), in ns
 * per nonzero·topic·iteration (issue 16):
 *
 *   npm run build && node dist/bench/lda-kernels.js [--corpora flow:10m,peers]
 *     [--optimizers em,online] [--kernels js,wasm,native] [--runs 5] [--threads 2] [--topics 20]
 *     [--em-iterations 20] [--online-iterations 2] [--metric last|every|none]
 *
 * Corpora (cached under bench/out/):
 * - `flow:10m`: the bench day of bench/run.ts (bench/out/data/flow-10m, generated once and cached by
 *   bench/days.ts) turned into its corpus by the flow analysis' rules (bench/flow-corpus.ts);
 * - `peers`: the ≥ 200k-document corpus of bench/lda-peers.ts (3,000,000 flows over 45,000 hosts, all
 *   254k documents).
 * Any other `flow:ROWS[:PER_HOST]` case of bench/run.ts works too (e.g. flow:1m for a quick look).
 *
 * `native` runs em's iterations in the native kernel (src/lda/native/em.cc) on the wasm kernel's memory; the
 * online optimizer has none, so native is skipped for it. With --alternate the kernels take turns run by run
 * (wasm, native, wasm, native, …) instead of one kernel's runs after the other's: fairer on a shared machine.
 *
 * Each figure is the median of `--runs` fits in this process (fitLda, --precision 64, K = --topics, the
 * given threads), the whole fit timed (setup, initialisation, iterations, θ and φ) and divided by
 * nonzeros × K × iterations. By default the fits read their metric (log-likelihood or perplexity) on the
 * last iteration only, as the pipeline's progress does; --metric every reads it every iteration (as
 * `spot-ml lda` does), --metric none never.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fitLda, metricOnLastIteration, readCorpusTsv, type Corpus, type Optimizer } from '../src/lda/index.js';
import { nativeEmStatus } from '../src/lda/em-native.js';
import { ensureDay, outRoot, parseCase } from './days.js';
import { flowDayCorpusTsv, generatedFlowCorpusTsv } from './flow-corpus.js';

const { values: opt } = parseArgs({
  options: {
    corpora: { type: 'string', default: 'flow:10m,peers' },
    optimizers: { type: 'string', default: 'em,online' },
    kernels: { type: 'string', default: 'js,wasm,native' },
    runs: { type: 'string', default: '5' },
    threads: { type: 'string', default: '2' },
    topics: { type: 'string', default: '20' },
    'em-iterations': { type: 'string', default: '20' },
    /** An online iteration is a pass with up to 100 E-step rounds per document: 2 keep the old kernel's runs in minutes. */
    'online-iterations': { type: 'string', default: '2' },
    /** last: the metric of the last iteration only, as the pipeline reads it; every: each iteration's (as `spot-ml lda`); none. */
    metric: { type: 'string', default: 'last' },
    alternate: { type: 'boolean', default: false },
  },
});
const runs = Number(opt.runs);
const threads = Number(opt.threads);
const K = Number(opt.topics);
const iterations: Record<Optimizer, number> = { em: Number(opt['em-iterations']), online: Number(opt['online-iterations']) };
const priors: Record<Optimizer, { alpha: number; beta: number }> = {
  em: { alpha: 1.02, beta: 1.001 }, // Spot's defaults
  online: { alpha: 1 / K, beta: 1 / K }, // bench/lda-peers.ts' prior for the variational learners
};
const log = (msg: string) => process.stderr.write(`[lda-kernels] ${msg}\n`);

async function corpusFor(name: string): Promise<Corpus> {
  let file: string;
  if (name === 'peers') {
    file = await generatedFlowCorpusTsv(3_000_000, 45_000, join(outRoot, 'flow-3000000x45000.tsv'));
  } else {
    const c = parseCase(name);
    if (c.type !== 'flow') throw new Error(`${name}: only flow days (and peers) are supported`);
    const { day } = await ensureDay(c.type, c.source, c.rows, c.hosts, c.label);
    file = await flowDayCorpusTsv(day, join(outRoot, `corpus-${c.type}-${c.label}.tsv`));
  }
  log(`reading ${file}`);
  return (await readCorpusTsv(file)).corpus;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

type Kernel = 'js' | 'wasm' | 'native';

interface Row {
  corpus: string;
  optimizer: Optimizer;
  kernel: string;
  iterations: number;
  seconds: number[];
  /** CPU seconds of the whole process (all threads) per fit: the steadier figure on a shared machine. */
  cpu: number[];
  ns: number;
}

const rows: Row[] = [];
const corpusStats: string[] = [];
for (const name of opt.corpora.split(',')) {
  const corpus = await corpusFor(name);
  const nnz = corpus.docStart[corpus.numDocs];
  corpusStats.push(`${name}: ${corpus.numDocs.toLocaleString('en-US')} documents, ${corpus.numWords.toLocaleString('en-US')} words, ${nnz.toLocaleString('en-US')} nonzeros`);
  log(corpusStats.at(-1)!);
  for (const optimizer of opt.optimizers.split(',') as Optimizer[]) {
    const kernels = (opt.kernels.split(',') as Kernel[]).filter((k) => k !== 'native' || optimizer === 'em');
    const byKernel = new Map(kernels.map((k) => [k, { seconds: [] as number[], cpu: [] as number[] }]));
    const order = opt.alternate
      ? Array.from({ length: runs }, (_, r) => kernels.map((kernel) => ({ kernel, r }))).flat()
      : kernels.flatMap((kernel) => Array.from({ length: runs }, (_, r) => ({ kernel, r })));
    for (const { kernel, r } of order) {
      const { seconds, cpu } = byKernel.get(kernel)!;
      const cpuStarted = process.cpuUsage();
      const started = performance.now();
      const model = await fitLda(corpus, {
        k: K,
        optimizer,
        maxIterations: iterations[optimizer],
        ...priors[optimizer],
        seed: 12345,
        precision: 64,
        threads,
        kernel,
        onIteration: opt.metric === 'none' ? undefined : () => {},
        metricAt: opt.metric === 'last' ? metricOnLastIteration : undefined,
      });
      seconds.push((performance.now() - started) / 1000);
      const used = process.cpuUsage(cpuStarted);
      cpu.push((used.user + used.system) / 1e6);
      if (model.kernel !== kernel) throw new Error(`asked for the ${kernel} kernels, ran ${model.kernel}`);
      log(`${name} ${optimizer} ${kernel} run ${r + 1}/${runs}: ${seconds.at(-1)!.toFixed(2)} s, ${cpu.at(-1)!.toFixed(2)} s CPU`);
    }
    for (const [kernel, { seconds, cpu }] of byKernel) {
      const ns = (median(seconds) * 1e9) / (nnz * K * iterations[optimizer]);
      rows.push({ corpus: name, optimizer, kernel, iterations: iterations[optimizer], seconds, cpu, ns });
    }
  }
}

const head = ['corpus', 'optimizer', 'iterations', 'kernel', 'fit s (median)', 'fit s (all runs)', 'CPU s (median)', 'CPU s (all runs)', 'ns / nonzero·topic·iteration', 'speed-up vs js', 'vs wasm'];
const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`];
for (const r of rows) {
  const js = rows.find((x) => x.corpus === r.corpus && x.optimizer === r.optimizer && x.kernel === 'js');
  const wasm = rows.find((x) => x.corpus === r.corpus && x.optimizer === r.optimizer && x.kernel === 'wasm');
  lines.push(
    `| ${[
      r.corpus, r.optimizer, r.iterations, r.kernel, median(r.seconds).toFixed(2), r.seconds.map((s) => s.toFixed(2)).join(' '), median(r.cpu).toFixed(2),
      r.cpu.map((s) => s.toFixed(2)).join(' '), r.ns.toFixed(3), js ? `${(js.ns / r.ns).toFixed(2)}×` : '-', wasm && r.kernel !== 'wasm' ? `${(wasm.ns / r.ns).toFixed(2)}×` : '-',
    ].join(' | ')} |`,
  );
}
const native = nativeEmStatus();
process.stdout.write(
  `K = ${K}, --precision 64, ${threads} thread(s), median of ${runs} runs${opt.alternate ? ' (kernels alternated)' : ''}, metric read: ${opt.metric}\n` +
    corpusStats.map((s) => `corpus ${s}\n`).join('') +
    `machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ` +
    `load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n` +
    `native em kernel: ${native.loaded ? `loaded (${native.isa})` : `not loaded (${native.reason})`}\n\n` +
    lines.join('\n') +
    '\n',
);
