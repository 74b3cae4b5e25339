import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { ingest } from '../src/ingest/ingest.js';
import { tempDir, withEngine } from './helpers.js';

/**
 * Line numbers as the engine's CSV reader counts them must be the file's own: empty lines, CRLF line
 * ends and lines that are not UTF-8 text (which the reader leaves out) keep the numbering of every
 * reject right.
 */
const good = (s: number, i: number) => `${s}.010    120 10.0.0.${i} TCP_MISS/200 5120 GET http://www.example.com/a.html - HIER_DIRECT/93.184.216.34 text/html`;
const t0 = Date.UTC(2016, 4, 5, 10, 15, 1) / 1000;

for (const eol of ['\n', '\r\n']) {
  test(`reject line numbers with empty lines, an unreadable line and ${eol === '\n' ? 'LF' : 'CRLF'} line ends`, async () => {
    const dir = tempDir('ingest-lines');
    const log = join(dir, 'access.log');
    const parts: (string | Buffer)[] = [
      good(t0, 1), eol, eol, // 1, 2 (empty)
      Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe, 0x20, 0x78]), eol, // 3: not UTF-8
      `${t0 + 5}.000 42 10.0.0.9 TCP_MISS/200`, eol, // 4: too few fields
      good(t0 + 10, 2), eol, eol, eol, // 5, 6, 7 (empty)
      `${t0 + 20}.000 x 10.0.0.9 TCP_MISS/200 1 GET http://a/ - HIER_DIRECT/1.2.3.4 text/html`, eol, // 8: elapsed not a number
      good(t0 + 30, 3), eol, // 9
    ];
    writeFileSync(log, Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))));
    const r = await withEngine((e) => ingest(e, { type: 'proxy', format: 'squid', out: join(dir, 'root'), inputs: [log], quiet: true }));
    assert.equal(r.linesRead, 9);
    assert.equal(r.rows, 3);
    assert.equal(r.rejected, 3);
    const rejects = (parse(readFileSync(r.rejectsFile!, 'utf8')) as string[][]).slice(1);
    assert.deepEqual(rejects.map((f) => [f[0], f[1]]), [[log, '3'], [log, '4'], [log, '8']]);
    assert.equal(rejects[0][2], 'not UTF-8 text');
    assert.match(rejects[1][2], /^4 fields, Squid's native format has 10/);
    assert.equal(rejects[2][2], 'elapsed: not a whole number: "x"');
  });
}
