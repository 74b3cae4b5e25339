import { Command, Option } from 'commander';
import { DuckDbEngine } from '../engine/duckdb.js';
import { Progress, formatCount } from '../common/progress.js';
import { fitLda, readCorpusTsv } from '../lda/index.js';
import { writeModel } from '../output/model.js';
import { SpotError } from '../common/errors.js';
import { DEFAULTS, parseNumber } from './options.js';
import { checkFolderPath, checkLdaSettings, checkReadableFile, checkThreads } from './validate-flags.js';

interface LdaFlags {
  corpus: string;
  topics: number;
  optimizer: 'em' | 'online';
  iterations: number;
  alpha: number;
  beta: number;
  seed: number;
  precision: string;
  threads?: number;
  out: string;
  quiet: boolean;
}

/** `spot-ml lda`: the topic model alone, on a doc<TAB>word<TAB>count corpus, saved as the analyses save it. */
export function ldaCommand(): Command {
  return new Command('lda')
    .description('fit the LDA topic model to a corpus of doc<TAB>word<TAB>count lines; writes document_topics.parquet and word_topics.parquet')
    .requiredOption('--corpus <file>', 'tab-separated doc, word, count lines (default: none; required)')
    .requiredOption('--out <dir>', 'folder for the model files (default: none; required)')
    .addOption(new Option('--topics <K>', 'number of topics').default(DEFAULTS.topics).argParser(parseNumber('--topics', { integer: true, min: 1 })))
    .addOption(new Option('--optimizer <name>', 'LDA optimizer').choices(['em', 'online']).default(DEFAULTS.optimizer))
    .addOption(new Option('--iterations <N>', 'iterations (online: passes over the corpus)').default(DEFAULTS.iterations).argParser(parseNumber('--iterations', { integer: true, min: 1 })))
    .addOption(new Option('--alpha <A>', 'document concentration α (em needs > 1)').default(DEFAULTS.alpha).argParser(parseNumber('--alpha', { exclusiveMin: 0 })))
    .addOption(new Option('--beta <B>', 'topic concentration β (em needs > 1)').default(DEFAULTS.beta).argParser(parseNumber('--beta', { exclusiveMin: 0 })))
    .addOption(new Option('--seed <S>', 'random seed').default(DEFAULTS.seed).argParser(parseNumber('--seed', { integer: true })))
    .addOption(new Option('--precision <bits>', 'precision of the document topic mixes').choices(['32', '64']).default('64'))
    .addOption(new Option('--threads <N>', 'worker threads (default: decided from the corpus size, at most 2)').argParser(parseNumber('--threads', { integer: true, min: 1 })))
    .option('-q, --quiet', 'no progress on stderr', false)
    .action(async (flags: LdaFlags) => {
      checkLdaFlags(flags);
      await checkReadableFile('--corpus', flags.corpus);
      await checkFolderPath('--out', flags.out);
      const progress = new Progress(flags.quiet);
      let read = 0;
      progress.follow(() => ({ fraction: read, rows: 0 }));
      const { corpus, docNames, wordNames } = await progress.step(`reading ${flags.corpus}`, () =>
        readCorpusTsv(flags.corpus, (fraction) => (read = fraction)),
      );
      if (corpus.wordIds.length === 0) throw new SpotError(`--corpus ${flags.corpus} holds no word counts (doc<TAB>word<TAB>count lines)`);
      progress.note(`corpus: ${formatCount(corpus.numDocs)} documents, ${formatCount(corpus.numWords)} words, ${formatCount(corpus.wordIds.length)} nonzeros`);
      const bar = progress.bar(`LDA ${flags.optimizer}`, flags.iterations);
      const started = Date.now();
      const model = await fitLda(corpus, {
        k: flags.topics,
        optimizer: flags.optimizer,
        maxIterations: flags.iterations,
        alpha: flags.alpha,
        beta: flags.beta,
        seed: flags.seed,
        precision: flags.precision === '32' ? 32 : 64,
        threads: flags.threads,
        onIteration: (i, _n, name, value) => bar.update(i, `${name} ${value.toPrecision(8)}`),
      }).finally(() => bar.stop());
      const seconds = (Date.now() - started) / 1000;
      const engine = await DuckDbEngine.open({ threads: flags.threads });
      try {
        const ids = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
        await engine.createTable('spot_lda_docs', [{ name: 'id', type: 'INTEGER', values: ids(docNames.length) }, { name: 'name', type: 'VARCHAR', values: docNames }]);
        await engine.createTable('spot_lda_words', [{ name: 'id', type: 'INTEGER', values: ids(wordNames.length) }, { name: 'name', type: 'VARCHAR', values: wordNames }]);
        progress.follow(() => engine.queryProgress());
        await progress.step(`writing the model to ${flags.out}`, () =>
          writeModel(engine, model, flags.out, 'SELECT name, id FROM spot_lda_docs', 'SELECT name, id FROM spot_lda_words'),
        );
      } finally {
        await engine.close();
      }
      process.stdout.write(
        `lda ${flags.optimizer}: ${flags.iterations} iterations in ${seconds.toFixed(2)} s (${(seconds / flags.iterations).toFixed(3)} s per iteration); model in ${flags.out}\n`,
      );
    });
}

function checkLdaFlags(f: LdaFlags): void {
  const names = { k: '--topics', optimizer: '--optimizer', maxIterations: '--iterations', alpha: '--alpha', beta: '--beta', seed: '--seed' };
  checkLdaSettings({ k: f.topics, optimizer: f.optimizer, maxIterations: f.iterations, alpha: f.alpha, beta: f.beta, seed: f.seed }, (key) => names[key]);
  checkThreads('--threads', f.threads);
}
