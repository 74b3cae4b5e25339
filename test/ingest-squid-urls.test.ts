import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sqlString } from '../src/engine/engine.js';
import { ingest } from '../src/ingest/ingest.js';
import { tempDir, withEngine } from './helpers.js';

/**
 * Squid's request URL becomes scheme, host, port, path, query and extension. The fields are split on runs
 * of spaces (Squid pads the elapsed time), and the host and port are taken after any user@, the port being
 * the digits after the last colon.
 */
const t0 = Date.UTC(2016, 4, 5, 10, 15, 1) / 1000;
const CASES: { method: string; url: string; want: Record<string, string> }[] = [
  { method: 'GET', url: 'http://user:secret@www.example.com:8080/a/b.html?x=1', want: { urischeme: 'http', host: 'www.example.com', uriport: '8080', uripath: '/a/b.html', uriquery: '?x=1', uriextension: 'html', fulluri: 'www.example.com/a/b.html?x=1' } },
  { method: 'CONNECT', url: 'www.example.com:443', want: { urischeme: 'tcp', host: 'www.example.com', uriport: '443', uripath: '/', uriquery: '-', fulluri: 'www.example.com' } },
  { method: 'GET', url: 'https://[2001:db8::1]:8443/', want: { urischeme: 'https', host: '[2001:db8::1]', uriport: '8443', uripath: '/', uriextension: '-' } },
  { method: 'GET', url: 'https://[2001:db8::1]/x', want: { host: '[2001:db8::1]', uriport: '443', uripath: '/x' } },
  { method: 'GET', url: 'ftp://ftp.example.org/pub/file.tar.gz', want: { urischeme: 'ftp', host: 'ftp.example.org', uriport: '21', uriextension: 'gz' } },
  { method: 'GET', url: 'http://www.example.com:/p', want: { host: 'www.example.com:', uriport: '80', uripath: '/p' } },
  { method: 'GET', url: 'http://a@b@www.example.com', want: { host: 'www.example.com', uripath: '/', uriquery: '-', fulluri: 'www.example.com' } },
];

test('Squid URLs: scheme, host after user@, port after the last colon, path, query, extension; fields padded with runs of spaces', async () => {
  const dir = tempDir('ingest-squid-urls');
  const log = join(dir, 'access.log');
  const lines = CASES.map((c, i) => `${t0 + i}.010 ${' '.repeat(i)}   120 10.0.0.${i + 1} TCP_MISS/200 5120 ${c.method} ${c.url} - HIER_DIRECT/93.184.216.34 text/html`);
  writeFileSync(log, lines.join('\n') + '\n');
  const root = join(dir, 'root');
  const r = await withEngine((e) => ingest(e, { type: 'proxy', format: 'squid', out: root, inputs: [log], quiet: true }));
  assert.equal(r.rows, CASES.length);
  assert.equal(r.rejected, 0);
  const rows = await withEngine((e) => e.rows(`SELECT * FROM read_parquet(${sqlString(join(root, 'y=*', '**', '*.parquet'))}, hive_partitioning = false) ORDER BY p_time`));
  CASES.forEach((c, i) => {
    for (const [k, v] of Object.entries(c.want)) assert.equal(rows[i][k], v, `${c.url}: ${k}`);
    assert.equal(rows[i].duration, 120, `${c.url}: duration`);
    assert.equal(rows[i].clientip, `10.0.0.${i + 1}`);
  });
});
