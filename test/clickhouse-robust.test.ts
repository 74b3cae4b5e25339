import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { query, tempDir } from './helpers.js';
import { startCluster, type TestCluster } from './clickhouse.js';
import { clusterDays, comparer } from './clickhouse-days.js';
import { proxyFeedbackLayout } from '../src/proxy/feedback.js';
import { dnsFeedbackLayout } from '../src/dns/feedback.js';
import { registeredDomain } from '../src/scoring/robust/profiles.js';
import { registeredDomainSql, tryInteger } from '../src/scoring/robust/cluster-profile.js';
import { chString } from '../src/engine/clickhouse/cluster.js';
import { sqlString } from '../src/engine/engine.js';

const ROBUST = ['--scoring', 'robust'];
const results = (scored: string, type: string) => readFileSync(join(scored, `${type}_results.csv`), 'utf8').split('\n').filter(Boolean);

describe('spot-ml --scoring robust --engine clickhouse on a two-shard cluster gives the embedded robust run\'s files', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let root: string;
  let compare: ReturnType<typeof comparer>['compare'];

  before(async () => {
    cluster = await startCluster();
    root = tempDir('clickhouse-robust');
    ({ compare } = comparer(root, cluster, await clusterDays(root, cluster, { flow: 3000, dns: 1500, proxy: 1500 })));
  });

  after(() => {
    cluster?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('flow: every event reported, then the lowest 40 with robust feedback of every scope (one rated event completed from the day)', async () => {
    const { onCluster } = await compare('flow-all', [...ROBUST, '--threshold', '1', '--maxresults', '-1']);
    const all = results(onCluster.scored, 'flow');
    assert.ok(all.length > 3000, `every clean event reported: ${all.length}`);
    const tied = all.map((l, i) => [l, i] as const).filter(([l]) => l.includes('10.7.7.7'));
    assert.equal(tied.length, 6, 'the six repeated flows are reported');
    assert.equal(new Set(tied.map(([l]) => l.split('\t').at(-1))).size, 1, 'the repeated flows tie in score');
    assert.equal(tied.at(-1)![1] - tied[0][1], 5, 'tied events are listed together');
    // All but the last 100: the unit of surprise 0 (hundreds of events, one score) is cut inside.
    const most = await compare('flow-most', [...ROBUST, '--threshold', '1', '--maxresults', String(all.length - 100)]);
    assert.equal(results(most.onCluster.scored, 'flow').at(-1)!.split('\t').at(-1), '1.0', 'the list ends inside the last unit');

    // Ratings of the top events: low risk in each scope (the first without its protocol), and one high risk.
    const rated: [number, string][] = [[3, ''], [3, 'word'], [3, 'destination'], [3, 'event'], [1, '']];
    const rows = all.slice(0, rated.length).map((l, i) => {
      const f = l.split('\t');
      return [rated[i][0], f[0], f[8], f[9], f[10], f[11], f[13], f[14], i === 0 ? '' : f[12], rated[i][1]].join(',');
    });
    const feedback = join(root, 'flow_feedback.csv');
    writeFileSync(feedback, ['sev,tstart,sip,dip,sport,dport,ipkt,ibyt,proto,scope', ...rows, ''].join('\n'));
    const top = await compare('flow-fb', [...ROBUST, '--threshold', '1', '--maxresults', '40', '--feedback', feedback]);
    const listed = results(top.onCluster.scored, 'flow');
    assert.equal(listed.length, 40);
    assert.notDeepEqual(listed, all.slice(0, 40), 'the feedback changed the list');
    assert.equal(JSON.parse(readFileSync(join(top.onCluster.scored, 'flow_summary.json'), 'utf8')).feedback.lowRiskUsed, 4);
  });

  test('dns: every event reported, and the lowest 25 with robust feedback (scopes domain and word, a high risk)', async () => {
    const { onCluster } = await compare('dns-all', [...ROBUST, '--threshold', '1', '--maxresults', '-1', '--userdomain', 'spotdemo'], 'dns');
    const all = results(onCluster.scored, 'dns');
    const scopes: [number, string][] = [[3, 'domain'], [3, 'word'], [1, '']];
    const rows = all.slice(0, scopes.length).map((l, i) => {
      const [time, tstamp, len, ip, name, cls, type, rcode, score] = l.split('\t');
      return [time, len, ip, name, cls, type, rcode, score, '', '', '', '', String(scopes[i][0]), '', '', '', '', tstamp, scopes[i][1]].join(',');
    });
    const feedback = join(root, 'dns_feedback.csv');
    writeFileSync(feedback, [[...dnsFeedbackLayout.columns.map((c) => c.name), 'scope'].join(','), ...rows, ''].join('\n'));
    const top = await compare('dns-fb', [...ROBUST, '--threshold', '1', '--maxresults', '25', '--userdomain', 'spotdemo', '--feedback', feedback], 'dns');
    assert.notDeepEqual(results(top.onCluster.scored, 'dns'), all.slice(0, 25), 'the feedback changed the list');
  });

  test('proxy: every event reported, and the lowest 30 with robust feedback (scopes destination and event)', async () => {
    const { onCluster } = await compare('proxy-all', [...ROBUST, '--threshold', '1', '--maxresults', '-1', '--userdomain', 'spotdemo'], 'proxy');
    const all = results(onCluster.scored, 'proxy');
    const quote = (v: string) => `"${v.replaceAll('"', '""')}"`;
    const scopes = ['destination', 'event'];
    const rows = all.slice(0, scopes.length).map((l, i) => [...l.split('\t'), '0', '3', '', '', '', scopes[i]].map(quote).join(','));
    const feedback = join(root, 'proxy_feedback.csv');
    writeFileSync(feedback, [[...proxyFeedbackLayout.columns.map((c) => c.name), 'scope'].join(','), ...rows, ''].join('\n'));
    const top = await compare('proxy-fb', [...ROBUST, '--threshold', '1', '--maxresults', '30', '--userdomain', 'spotdemo', '--feedback', feedback], 'proxy');
    assert.notDeepEqual(results(top.onCluster.scored, 'proxy'), all.slice(0, 30), 'the feedback changed the list');
  });

  test('the profile\'s text rules give the embedded values on the shards: registered domain, clock fields, length', async () => {
    const names = ['a.b.Example.CO.uk', 'www.example.com.', 'EXAMPLE.org', '10.1.2.3', '::1', 'localhost', '', 'x.y.münchen.de', 'a..b.net', 'host.or.jp'];
    const clocks = ['07', ' 7', '7 ', '+7', '-7', '7.5', '-0.5', '0.5', '7.', '.5', 'x', '', '99999999999', '1:2'];
    const onShard = async (sql: string) => {
      const res = await fetch(`http://127.0.0.1:${cluster.httpPorts[0]}/`, { method: 'POST', body: `${sql} FORMAT JSONEachRow` });
      assert.equal(res.status, 200, await res.clone().text());
      return (await res.text()).trim().split('\n').map((l) => Object.values(JSON.parse(l))[0]);
    };
    const embedded = async (sql: string) => (await query(sql)).map((r) => Object.values(r)[0]);
    const list = (values: string[], quote: (v: string) => string) => values.map(quote).join(', ');
    assert.deepEqual(
      await onShard(`SELECT ${registeredDomainSql('n')} AS d FROM (SELECT arrayJoin([${list(names, chString)}]) AS n)`),
      await embedded(`SELECT ${registeredDomain('n')} AS d FROM unnest([${list(names, sqlString)}]) WITH ORDINALITY t(n, i) ORDER BY i`),
    );
    const asText = (v: unknown) => (v === null ? null : String(v));
    assert.deepEqual(
      (await onShard(`SELECT ${tryInteger('c')} AS v FROM (SELECT arrayJoin([${list(clocks, chString)}]) AS c)`)).map(asText),
      (await embedded(`SELECT TRY_CAST(c AS INTEGER) AS v FROM unnest([${list(clocks, sqlString)}]) WITH ORDINALITY t(c, i) ORDER BY i`)).map(asText),
    );
    assert.deepEqual(
      (await onShard(`SELECT lengthUTF8(n) AS v FROM (SELECT arrayJoin([${list(names, chString)}]) AS n)`)).map(Number),
      (await embedded(`SELECT length(n) AS v FROM unnest([${list(names, sqlString)}]) WITH ORDINALITY t(n, i) ORDER BY i`)).map(Number),
    );
  });

  test('a threshold below every score: nothing reported, the same hint', async () => {
    const { embedded, onCluster } = await compare('flow-none', [...ROBUST, '--threshold', '0.00000001', '--maxresults', '20']);
    const hint = (dir: string) => JSON.parse(readFileSync(join(dir, 'flow_summary.json'), 'utf8')).whenNothingReported;
    assert.ok(hint(embedded.scored), 'the embedded run gives a hint');
    assert.deepEqual(hint(onCluster.scored), hint(embedded.scored));
  });
});
