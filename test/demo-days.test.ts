import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateDnsDay, TUNNEL_DOMAIN } from '../src/demo/dns-day.js';
import { BEACON_AGENT, generateProxyDay } from '../src/demo/proxy-day.js';
import { readResults, reportAll, runCli, tempDir, withEngine } from './helpers.js';

const DATE = '20160505';
const day = { rows: 20_000, hosts: 200, date: DATE, userDomain: 'acme' };

/** 1-based ranks (ascending score) of the results rows that match. */
function ranksOf(results: string[][], matches: (fields: string[]) => boolean): number[] {
  return results.flatMap((f, i) => (matches(f) ? [i + 1] : []));
}

test('DNS day through the wrapper form: the tunnelling queries are among the 1% lowest scores', async () => {
  const root = await tempDir('dns-day');
  await withEngine((engine) => generateDnsDay(engine, { ...day, root, tunnelQueries: 6 }));
  const conf = join(root, 'spot.conf');
  await writeFile(conf, [
    `HUSER='${root}'`,
    'DNS_PATH=${HUSER}/${DSOURCE}/hive/y=${YR}/m=${MH}/d=${DY}/',
    'HPATH=${HUSER}/${DSOURCE}/scored_results/${FDATE}',
    "USER_DOMAIN='acme'",
    '',
  ].join('\n'));
  const run = runCli([DATE, 'dns', '1', '--conf', conf, '--quiet']);
  assert.equal(run.code, 0, run.stderr);
  const results = await readResults(join(root, 'dns', 'scored_results', DATE, 'scores', 'dns_results.csv'));
  assert.ok(results.length >= day.rows, 'every query reported at threshold 1');
  const ranks = ranksOf(results, (f) => f[4].endsWith(`.${TUNNEL_DOMAIN}`));
  assert.equal(ranks.length, 6);
  const cutoff = Math.ceil(results.length / 100);
  assert.ok(ranks.every((r) => r <= cutoff), `tunnel ranks ${ranks.join(', ')} of ${results.length} (1%: ${cutoff})`);
});

test('proxy day: a single request with a never-seen agent and a high-entropy URI is among the 1% lowest scores', async () => {
  const root = await tempDir('proxy-day');
  const folder = await withEngine((engine) => generateProxyDay(engine, { ...day, root, beaconRequests: 1 }));
  const scored = join(root, 'scored');
  const run = runCli(['--analysis', 'proxy', '--input', folder, '--scored', scored, '--userdomain', 'acme', ...reportAll]);
  assert.equal(run.code, 0, run.stderr);
  const results = await readResults(join(scored, 'proxy_results.csv'));
  const ranks = ranksOf(results, (f) => f[5] === BEACON_AGENT);
  assert.equal(ranks.length, 1);
  const cutoff = Math.ceil(results.length / 100);
  assert.ok(ranks[0] <= cutoff, `rank ${ranks[0]} of ${results.length} (1%: ${cutoff})`);
});
