/**
 * How long a top-1m list takes to load: `node dist/bench/top-domains.js [FILE]`. Without a file it
 * writes a synthetic million-line one (Tranco form, CRLF) to a temporary folder first.
 */
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTopDomains } from '../src/common/top-domains.js';

async function syntheticTop1m(): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'spot-ml-bench-')), 'top-1m.csv');
  const lines = Array.from({ length: 1_000_000 }, (_, i) => `${i + 1},site${i + 1}.example.com`);
  await writeFile(file, lines.join('\r\n') + '\r\n');
  return file;
}

const file = process.argv[2] ?? (await syntheticTop1m());
const started = process.hrtime.bigint();
const labels = await loadTopDomains(file);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
process.stdout.write(`${file}: ${labels.size.toLocaleString('en-US')} labels in ${ms.toFixed(0)} ms\n`);
