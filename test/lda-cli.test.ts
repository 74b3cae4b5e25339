import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSpotScores, flowRowsSql, query, runCli, spotCheckRows, tempDir, writeParquet } from './helpers.js';

for (const [name, extra] of [
  ['online (α 0.0009, β 0.00001, 200 iterations)', ['--ldaoptimizer', 'online', '--ldaalpha', '0.0009', '--ldabeta', '0.00001', '--ldamaxiterations', '200']],
  ['em with 32-bit document mixes', ['--ldaoptimizer', 'em', '--precision', '32']],
  ['online with 32-bit document mixes', ['--ldaoptimizer', 'online', '--ldaalpha', '0.0009', '--ldabeta', '0.00001', '--ldamaxiterations', '200', '--precision', '32']],
] as const) {
  test(`Spot's end-to-end flow check through the CLI with ${name}`, async () => {
    const dir = tempDir();
    const input = join(dir, 'flows.parquet');
    await writeParquet(input, flowRowsSql(spotCheckRows));
    const scored = join(dir, 'scored');
    const r = runCli(['--analysis', 'flow', '--input', input, '--scored', scored, '--threshold', '1', '--ldatopiccount', '20', ...extra]);
    assert.equal(r.code, 0, r.stderr);
    checkSpotScores(join(scored, 'flow_results.csv'));
  });
}

test('the lda subcommand fits a TSV corpus and saves the model; one or two threads give the same model', async () => {
  const dir = tempDir();
  const corpus = join(dir, 'corpus.tsv');
  const lines: string[] = [];
  let x = 7;
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let d = 0; d < 3000; d++) {
    for (let j = 0; j < 20; j++) lines.push(`doc${d}\tw${Math.floor(next() ** 2 * 500)}\t${1 + Math.floor(next() * 5)}`);
  }
  writeFileSync(corpus, lines.join('\n') + '\n');
  const fit = (out: string, ...extra: string[]) => {
    const r = runCli(['lda', '--corpus', corpus, '--topics', '10', '--iterations', '5', '--out', join(dir, out), ...extra]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /lda (em|online): 5 iterations in [\d.]+ s/);
    return r;
  };
  for (const optimizer of ['em', 'online']) {
    const one = fit(`${optimizer}1`, '--optimizer', optimizer, '--threads', '1');
    assert.match(one.stderr, optimizer === 'em' ? /logLikelihood/ : /perplexity/);
    fit(`${optimizer}2`, '--optimizer', optimizer, '--threads', '2');
    const [same] = await query(`
      SELECT count(*) AS n, count(*) FILTER (WHERE a.topic_prob_mix = b.topic_prob_mix) AS equal
      FROM '${dir}/${optimizer}1/document_topics.parquet' a JOIN '${dir}/${optimizer}2/document_topics.parquet' b USING (document_name)`);
    assert.equal(same.n, 3000n);
    assert.equal(same.equal, 3000n);
    const [words] = await query(`SELECT count(*) AS n, min(list_sum(topic_probs)) AS lo FROM '${dir}/${optimizer}1/word_topics.parquet'`);
    assert.ok(Number(words.n) > 300);
  }
  const bad = runCli(['lda', '--corpus', corpus, '--out', join(dir, 'bad'), '--alpha', '0.5']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /alpha > 1/);
});
