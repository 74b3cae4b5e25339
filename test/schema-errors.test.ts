import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dnsColumns, proxyColumns } from './columns.js';
import { reportAll, runCli, tempDir, writeRowsParquet } from './helpers.js';

const cases = [
  { type: 'dns', columns: dnsColumns, missing: 'dns_qry_rcode', missingKind: 'int \\(any integer or floating type\\)', asText: 'frame_len' },
  { type: 'proxy', columns: proxyColumns, missing: 'fulluri', missingKind: 'string', asText: 'scbytes' },
] as const;

for (const c of cases) {
  test(`${c.type}: a missing column and a string-typed number stop the run before any work`, async () => {
    const dir = await tempDir(`${c.type}-schema`);
    const columns: Record<string, string> = { ...c.columns, [c.asText]: 'VARCHAR' };
    delete columns[c.missing];
    const row = Object.fromEntries(Object.entries(columns).map(([name, type]) => [name, type === 'VARCHAR' ? '1' : 1]));
    const input = join(dir, 'input.parquet');
    await writeRowsParquet(input, columns, [row]);
    const scored = join(dir, 'scored');
    const run = runCli(['--analysis', c.type, '--input', input, '--scored', scored, ...reportAll]);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, new RegExp(`${c.missing}: expected ${c.missingKind}, found no such column`));
    assert.match(run.stderr, new RegExp(`${c.asText}: expected int \\(any integer or floating type\\), found VARCHAR`));
    assert.ok(!existsSync(scored), 'nothing written');
  });
}
