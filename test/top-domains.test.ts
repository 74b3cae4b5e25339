import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { mkdtemp, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { DEFAULT_TOP_DOMAINS_FILE, loadTopDomains, topDomainsOf } from '../src/common/top-domains.js';
import { tempDir } from './helpers.js';

test('the shipped default list loads', async () => {
  const top = await loadTopDomains(DEFAULT_TOP_DOMAINS_FILE);
  assert.ok(top.size >= 100);
  for (const label of ['google', 'youtube', 'amazon', 'wikipedia']) assert.ok(top.has(label), label);
  assert.ok(!top.has('rank'));
});

test('a header, CRLF, quotes, comments and bare domains are tolerated', async () => {
  const file = join(await tempDir('top'), 'top.csv');
  await writeFile(file, 'rank,domain\r\n# a comment\r\n1,Google.com\r\n"2","bronto.com"\r\n\r\n3,bbc.co.uk\r\nexample.org\r\n4,last.net');
  assert.deepEqual([...(await loadTopDomains(file))].sort(), ['bbc', 'bronto', 'example', 'google', 'last']);
});

test('a million-line top-1m file loads with the right labels', async () => {
  const file = join(await tempDir('top1m'), 'top-1m.csv');
  const out = createWriteStream(file);
  const lines: string[] = ['rank,domain'];
  for (let i = 1; i <= 1_000_000; i++) {
    lines.push(`${i},site${i}.example.com`);
    if (lines.length === 50_000) {
      if (!out.write(lines.join('\r\n') + '\r\n')) await once(out, 'drain');
      lines.length = 0;
    }
  }
  out.end(lines.join('\r\n'));
  await once(out, 'finish');
  const top = await loadTopDomains(file);
  assert.equal(top.size, 1_000_000);
  for (const label of ['site1', 'site500000', 'site1000000']) assert.ok(top.has(label), label);
  assert.ok(!top.has('rank') && !top.has('example') && !top.has('site0'));
});

test('a missing file is a clear error', async () => {
  await assert.rejects(loadTopDomains('/nonexistent/top-1m.csv'), /cannot read the top-domains file/);
});

test('the list is read once per file version and again when the file changes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'spot-ml-top-'));
  const file = join(dir, 'top.csv');
  await writeFile(file, '1,google.com\n');
  const first = await topDomainsOf(file);
  assert.equal(await topDomainsOf(file), first, 'same file, same set');
  await writeFile(file, '1,google.com\n2,bronto.com\n');
  await utimes(file, new Date(), new Date(Date.now() + 5000));
  assert.deepEqual([...(await topDomainsOf(file))].sort(), ['bronto', 'google']);
});
