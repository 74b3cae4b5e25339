import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { sqlString } from '../src/engine/engine.js';
import { ingest } from '../src/ingest/ingest.js';
import { tempDir, withEngine } from './helpers.js';

/**
 * How Bluecoat's ELFF lines split into fields (the regex tokenizer `"[^"]*"|[^ \t]+`), pinned on the lines a
 * cheaper tokenizer would have to treat alike: runs of spaces, tabs, a quote inside an unquoted field, a
 * quoted field followed by a field without a space, an unterminated quote.
 */
test('Bluecoat: lines off the common shape (other quote counts, double spaces, tabs, quotes inside fields) are read by the ELFF token rules', async () => {
  const dir = tempDir('ingest-elff');
  const fields = '#Fields: date time time-taken c-ip cs-username cs(User-Agent) cs-host cs-uri-path sc-bytes';
  const log = join(dir, 'access.log');
  writeFileSync(
    log,
    [
      fields,
      '2016-05-05 10:00:01 5 10.0.0.1 - "Mozilla/5.0 (X11)" a.example.com /x 100', // 2: common shape
      '2016-05-05 10:00:02 5 10.0.0.2 - curl/8 b.example.com /y 200', // 3: no quotes
      '2016-05-05 10:00:03  5\t10.0.0.3 "bob" "Mozilla/5.0 (X11)" c.example.com /z 300', // 4: double space, tab, two quoted
      '2016-05-05 10:00:04 5 10.0.0.4 - ab"c d.example.com "/q r" 400', // 5: a quote inside a field
      '2016-05-05 10:00:05 5 10.0.0.5 - "Mozilla/5.0 (X11) e.example.com /w 500', // 6: unterminated: rejected
      '2016-05-05 10:00:06 5 10.0.0.6 - "Mozilla/5.0 (X11)"f.example.com /v 600', // 7: quoted field then a field without space
    ].join('\n') + '\n',
  );
  const root = join(dir, 'root');
  const r = await withEngine((e) => ingest(e, { type: 'proxy', format: 'bluecoat', out: root, inputs: [log], quiet: true }));
  assert.deepEqual([r.linesRead, r.rows, r.rejected], [7, 5, 1]);
  const rejects = (parse(readFileSync(r.rejectsFile!, 'utf8')) as string[][]).slice(1);
  assert.deepEqual(rejects.map((f) => [f[1], f[2]]), [['6', 'unterminated quoted field at character 34']]);
  const rows = await withEngine((e) =>
    e.rows(`SELECT p_time, clientip, username, useragent, host, uripath, scbytes FROM read_parquet(${sqlString(join(root, 'y=*', '**', '*.parquet'))}) ORDER BY p_time`),
  );
  assert.deepEqual(
    rows.map((x) => [x.p_time, x.clientip, x.username, x.useragent, x.host, x.uripath, x.scbytes]),
    [
      ['10:00:01', '10.0.0.1', '-', 'Mozilla/5.0 (X11)', 'a.example.com', '/x', 100],
      ['10:00:02', '10.0.0.2', '-', 'curl/8', 'b.example.com', '/y', 200],
      ['10:00:03', '10.0.0.3', 'bob', 'Mozilla/5.0 (X11)', 'c.example.com', '/z', 300],
      ['10:00:04', '10.0.0.4', '-', 'ab"c', 'd.example.com', '/q r', 400],
      ['10:00:06', '10.0.0.6', '-', 'Mozilla/5.0 (X11)', 'f.example.com', '/v', 600],
    ],
  );
});
