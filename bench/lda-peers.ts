/**
 * The LDA engine against scikit-learn and gensim on the same corpus (issue 3):
 *
 *   npx tsc -p . && node dist/bench/lda-peers.js [--flows N] [--hosts N] [--passes N] [--topics K]
 *
 * 1. Corpus: a synthetic netflow day from the demo generator, turned into (ip, word, count) by the
 *    flow analysis' own word rules and clean predicate, written to bench/out/ as doc<TAB>word<TAB>count
 *    (cached: delete bench/out/flow-*.tsv to rebuild).
 * 2. Split: a fixed 10% of the documents (chosen by a seeded hash of the IP) are held out.
 * 3. Fit on the training 90%: `spot-ml lda` (em and online, through the CLI), then, in
 *    bench/lda_peers.py, scikit-learn's LatentDirichletAllocation (online and batch) and gensim's
 *    LdaMulticore; every fit gets the same K and the same number of passes (--passes, default 5: at 20
 *    the three peers alone take about 40 minutes on 2 cores), plus spot-ml em at its default 20.
 * 4. Score: one evaluator (in lda_peers.py) takes each model's topic-word matrix φ and computes the
 *    held-out perplexity by document completion (see there), so every model is measured the same way.
 *
 * Python 3 with scikit-learn and gensim is needed (Debian: python3-sklearn python3-gensim); the script
 * checks and says what to install rather than installing anything. PYTHON overrides /usr/bin/python3.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { DuckDbEngine } from '../src/engine/duckdb.js';
import { sqlString } from '../src/engine/engine.js';
import { generatedFlowCorpusTsv } from './flow-corpus.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: opt } = parseArgs({
  options: {
    flows: { type: 'string', default: '3000000' },
    hosts: { type: 'string', default: '45000' },
    topics: { type: 'string', default: '20' },
    /** Passes for every model; 20 for the three peers takes about 40 minutes on 2 cores, hence 5. */
    passes: { type: 'string', default: '5' },
    seed: { type: 'string', default: '12345' },
    out: { type: 'string', default: join(repo, 'bench', 'out') },
    /**
     * Comma-separated subset of: spot-em, spot-online, sklearn-online, sklearn-batch, gensim. A spot-ml
     * entry may carry its own pass count (spot-em:20 is the product's default, and cheap enough to add).
     */
    models: { type: 'string', default: 'spot-em,spot-em:20,spot-online,sklearn-online,sklearn-batch,gensim' },
    'corpus-only': { type: 'boolean', default: false },
  },
});
const flows = Number(opt.flows);
const hosts = Number(opt.hosts);
const K = Number(opt.topics);
const defaultPasses = Number(opt.passes);
const seed = Number(opt.seed);
const outDir = resolve(opt.out);
const models = opt.models.split(',').map((m) => m.trim());
const python = process.env.PYTHON ?? '/usr/bin/python3';
const peerScript = join(repo, 'bench', 'lda_peers.py');
const cli = join(repo, 'dist', 'src', 'cli', 'main.js');
/** Prior for the variational learners (spot-ml online, sklearn, gensim): their common default 1/K. */
const smallPrior = 1 / K;
/** Spot's defaults for the EM optimizer, which needs α, β > 1 (MAP EM). */
const em = { alpha: 1.02, beta: 1.001 };

const run = promisify(execFile);
const log = (msg: string) => process.stderr.write(`[lda-peers] ${msg}\n`);

/** Runs a command, passing its stderr through; resolves with its stdout. */
function runCommand(cmd: string, args: string[]): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? ok(stdout) : fail(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}

async function checkPython(): Promise<string> {
  try {
    const { stdout } = await run(python, [peerScript, 'check']);
    return stdout.trim();
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    process.stderr.write(`${err.stdout ?? ''}${err.stderr ?? ''}`);
    process.stderr.write(
      `\nThis benchmark needs ${python} with numpy, scipy, scikit-learn and gensim. On Debian/Ubuntu:\n` +
        `  apt-get update && apt-get install -y python3-sklearn python3-gensim\n` +
        `(or set PYTHON to an interpreter that has them)\n`,
    );
    process.exit(2);
  }
}

interface CorpusFiles {
  full: string;
  train: string;
  heldout: string;
  stats: { docs: number; words: number; nnz: number; tokens: number; trainDocs: number; heldoutDocs: number };
}

/** Generates the flow day and its corpus (cached by size), then splits off the held-out documents. */
async function buildCorpus(): Promise<CorpusFiles> {
  const tag = `flow-${flows}x${hosts}`;
  const full = join(outDir, `${tag}.tsv`);
  const train = join(outDir, `${tag}-train-s${seed}.tsv`);
  const heldout = join(outDir, `${tag}-heldout-s${seed}.tsv`);
  await generatedFlowCorpusTsv(flows, hosts, full);
  const engine = await DuckDbEngine.open();
  try {
    const corpus = `read_csv(${sqlString(full)}, delim = '\t', header = false, quote = '', columns = {'doc': 'VARCHAR', 'word': 'VARCHAR', 'cnt': 'BIGINT'})`;
    // Held out: the documents whose seeded hash falls in the lowest tenth.
    await engine.exec(`
      CREATE TABLE c AS SELECT *, hash(doc, ${seed}) % 10 = 0 AS held FROM ${corpus};
      COPY (SELECT doc, word, cnt FROM c WHERE NOT held ORDER BY doc, word) TO ${sqlString(train)} (FORMAT csv, DELIMITER '\t', HEADER false, QUOTE '');
      COPY (SELECT doc, word, cnt FROM c WHERE held ORDER BY doc, word) TO ${sqlString(heldout)} (FORMAT csv, DELIMITER '\t', HEADER false, QUOTE '');`);
    const [s] = await engine.rows(`
      SELECT count(DISTINCT doc) AS docs, count(DISTINCT word) AS words, count(*) AS nnz, sum(cnt) AS tokens,
             count(DISTINCT doc) FILTER (WHERE NOT held) AS train_docs, count(DISTINCT doc) FILTER (WHERE held) AS heldout_docs
      FROM c`);
    const stats = {
      docs: Number(s.docs),
      words: Number(s.words),
      nnz: Number(s.nnz),
      tokens: Number(s.tokens),
      trainDocs: Number(s.train_docs),
      heldoutDocs: Number(s.heldout_docs),
    };
    return { full, train, heldout, stats };
  } finally {
    await engine.close();
  }
}

interface Result {
  name: string;
  passes: number;
  fitSeconds: number;
  wallSeconds?: number;
  perplexity?: number;
  note: string;
}

/** Fits spot-ml through its CLI; returns the fit time it reports and the φ exported for the evaluator. */
async function fitSpot(optimizer: 'em' | 'online', passes: number, train: string): Promise<{ result: Result; phi: string }> {
  const name = `spot-ml ${optimizer}${passes === defaultPasses ? '' : ` ×${passes}`}`;
  const dir = join(outDir, `model-spot-${optimizer}-${passes}`);
  const [alpha, beta] = optimizer === 'em' ? [em.alpha, em.beta] : [smallPrior, smallPrior];
  const args = [cli, 'lda', '--corpus', train, '--topics', `${K}`, '--optimizer', optimizer, '--iterations', `${passes}`];
  args.push('--alpha', `${alpha}`, '--beta', `${beta}`, '--seed', `${seed}`, '--out', dir, '-q');
  log(`spot-ml ${optimizer}: node ${args.join(' ')}`);
  const started = Date.now();
  const stdout = await runCommand(process.execPath, args);
  const wallSeconds = (Date.now() - started) / 1000;
  process.stderr.write(stdout);
  const m = /(\d+) iterations in ([\d.]+) s/.exec(stdout);
  if (!m) throw new Error(`unexpected output from spot-ml lda: ${stdout}`);
  // φ for the evaluator: word<TAB>P(word|topic 1)<TAB>...<TAB>P(word|topic K).
  const phi = join(outDir, `phi-spot-${optimizer}-${passes}.tsv`);
  const engine = await DuckDbEngine.open();
  try {
    const cols = Array.from({ length: K }, (_, t) => `topic_probs[${t + 1}]`).join(', ');
    await engine.exec(`COPY (SELECT word_name, ${cols} FROM read_parquet(${sqlString(join(dir, 'word_topics.parquet'))}))
      TO ${sqlString(phi)} (FORMAT csv, DELIMITER '\t', HEADER false, QUOTE '')`);
  } finally {
    await engine.close();
  }
  const note = optimizer === 'em' ? `MAP EM, α ${em.alpha}, β ${em.beta}` : `online VB, α ${smallPrior} (optimised), β ${smallPrior}, batch ⌈D/32⌉`;
  return { result: { name, passes: Number(m[1]), fitSeconds: Number(m[2]), wallSeconds, note }, phi };
}

function table(rows: Result[]): string {
  const head = ['model', 'passes', 'fit s', 's / pass', 'held-out perplexity', 'settings'];
  const body = rows.map((r) => [
    r.name,
    `${r.passes}`,
    r.fitSeconds.toFixed(1),
    (r.fitSeconds / r.passes).toFixed(2),
    r.perplexity === undefined ? '-' : r.perplexity.toFixed(2),
    r.note,
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (i === 0 || i === 5 ? '---' : '---:'))), ...body.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------------

const versions = await checkPython();
await mkdir(outDir, { recursive: true });
const files = await buildCorpus();
const st = files.stats;
log(
  `corpus ${files.full}: ${st.docs.toLocaleString('en-US')} documents, ${st.words.toLocaleString('en-US')} words, ` +
    `${st.nnz.toLocaleString('en-US')} nonzeros, ${st.tokens.toLocaleString('en-US')} tokens; ` +
    `training ${st.trainDocs.toLocaleString('en-US')} documents, held out ${st.heldoutDocs.toLocaleString('en-US')}`,
);
if (st.docs < 200_000 || st.nnz < 2_000_000) log(`WARNING: the corpus is below 200k documents / 2M nonzeros; raise --flows/--hosts`);
if (opt['corpus-only']) process.exit(0);

const results: Result[] = [];
const phis: string[] = [];
for (const spec of models.filter((m) => m.startsWith('spot-'))) {
  const [model, passText] = spec.split(':');
  const optimizer = model.slice('spot-'.length);
  if (optimizer !== 'em' && optimizer !== 'online') throw new Error(`unknown model ${spec}`);
  const { result, phi } = await fitSpot(optimizer, passText ? Number(passText) : defaultPasses, files.train);
  results.push(result);
  phis.push(`${result.name}=${phi}`);
}
const peers = models.filter((m) => !m.startsWith('spot-'));
const json = join(outDir, 'peers.json');
const pyArgs = [peerScript, 'run', '--train', files.train, '--heldout', files.heldout, '--topics', `${K}`];
pyArgs.push('--passes', `${defaultPasses}`, '--seed', `${seed}`, '--prior', `${smallPrior}`, '--json', json);
pyArgs.push('--peers', peers.join(','), ...phis.flatMap((p) => ['--phi', p]));
log(`peers and evaluator: ${python} ${pyArgs.join(' ')}`);
await runCommand(python, pyArgs);
const evaluated = JSON.parse(await readFile(json, 'utf8')) as {
  peers: Result[];
  perplexity: Record<string, number>;
  heldout: { docs: number; observed_tokens: number; eval_tokens: number; oov_tokens: number };
  fold_in_iterations: number;
  unigram_perplexity: number;
};
results.push(...evaluated.peers);
for (const r of results) r.perplexity = evaluated.perplexity[r.name];

const h = evaluated.heldout;
process.stdout.write(
  `\nLDA, K = ${K}, ${defaultPasses} passes each unless marked ×N, on ${flows.toLocaleString('en-US')} synthetic flows over ${hosts.toLocaleString('en-US')} hosts\n` +
    `corpus: ${st.docs.toLocaleString('en-US')} documents, ${st.words.toLocaleString('en-US')} words, ${st.nnz.toLocaleString('en-US')} nonzeros, ` +
    `${st.tokens.toLocaleString('en-US')} tokens; trained on ${st.trainDocs.toLocaleString('en-US')} documents\n` +
    `held out: ${h.docs.toLocaleString('en-US')} documents (seeded 10%), document completion: θ folded in on ` +
    `${h.observed_tokens.toLocaleString('en-US')} tokens (${evaluated.fold_in_iterations} EM iterations, φ fixed), ` +
    `perplexity on the other ${h.eval_tokens.toLocaleString('en-US')} (${h.oov_tokens.toLocaleString('en-US')} out-of-vocabulary tokens dropped)\n` +
    `reference: one-topic (unigram) model perplexity ${evaluated.unigram_perplexity.toFixed(2)}\n` +
    `machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}; node ${process.version}; ${versions}\n\n` +
    table(results) +
    '\n' +
    results
      .filter((r) => r.wallSeconds !== undefined)
      .map((r) => `${r.name}: ${r.wallSeconds!.toFixed(1)} s for the whole command (reading the TSV, fitting, writing Parquet)`)
      .join('\n') +
    '\n',
);
