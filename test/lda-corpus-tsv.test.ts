import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCorpusTsv } from '../src/lda/corpus-tsv.js';

async function withFile(content: string, fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'lda-tsv-'));
  try {
    const path = join(dir, 'corpus.tsv');
    await writeFile(path, content);
    await fn(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('reads a corpus sorted by document then word, summing repeated pairs', async () => {
  await withFile('10.0.0.2\tb\t3\n10.0.0.1\tc\t1\r\n\n10.0.0.1\ta\t2.5\n10.0.0.2\tb\t1\n10.0.0.3\tz\t0\n', async (path) => {
    const { corpus, docNames, wordNames } = await readCorpusTsv(path);
    assert.deepEqual(docNames, ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    assert.deepEqual(wordNames, ['a', 'b', 'c', 'z']);
    assert.equal(corpus.numDocs, 3);
    assert.equal(corpus.numWords, 4);
    assert.deepEqual([...corpus.docStart], [0, 2, 3, 3]);
    assert.deepEqual([...corpus.wordIds], [0, 2, 1]);
    assert.deepEqual([...corpus.counts], [2.5, 1, 4]);
  });
});

test('malformed lines are reported with their line number', async () => {
  await withFile('a\tw\t1\nb\tw\n', async (path) => {
    await assert.rejects(readCorpusTsv(path), new RegExp(`corpus\\.tsv:2: expected 3 tab-separated fields \\(doc, word, count\\), got 2`));
  });
  await withFile('a\tw\t1\n\nb\tw\tmany\n', async (path) => {
    await assert.rejects(readCorpusTsv(path), /corpus\.tsv:3: count must be a finite number >= 0, got "many"/);
  });
  await withFile('a\tw\t-1\n', async (path) => {
    await assert.rejects(readCorpusTsv(path), /corpus\.tsv:1: count must be/);
  });
  await withFile('\tw\t1\n', async (path) => {
    await assert.rejects(readCorpusTsv(path), /corpus\.tsv:1: empty document name/);
  });
});

test('a missing file is an error', async () => {
  await assert.rejects(readCorpusTsv('/nonexistent/corpus.tsv'), /ENOENT/);
});
