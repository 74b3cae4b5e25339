import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDnsWord, decodeFlowWord, decodeProxyWord } from '../src/explain/decode.js';
import { dnsClassName, dnsRcodeName, dnsTypeName, humanBytes, portLabel } from '../src/explain/names.js';
import { allowlistPredicate, parseAllowlist } from '../src/console/allowlist.js';
import { rescoreArgs } from '../src/console/rescore.js';
import type { DayState } from '../src/console/day-state.js';
import { query } from './helpers.js';

test('flow, DNS and proxy words decode into plain parts', () => {
  const flow = decodeFlowWord('-1_443_TCP_13_11_4');
  assert.deepEqual(flow.map((p) => p.part), ['port rule', 'protocol', 'hour', 'bytes bin', 'packets bin']);
  assert.match(flow[0].meaning, /own port 443 \(https\)/);
  assert.equal(flow[3].meaning, '1024–2047 bytes in');
  assert.equal(flow[4].meaning, '8–15 packets in');
  assert.match(decodeFlowWord('333333_UDP_0_0_0')[0].meaning, /no service port/);
  assert.equal(decodeFlowWord('333333_UDP_0_0_0')[3].meaning, '0 bytes in');
  const dns = decodeDnsWord('0_8_2_5_15_2_16_3');
  assert.equal(dns[0].meaning, 'other (not in the top-domains list)');
  assert.equal(dns[1].meaning, '256–511 bytes');
  assert.equal(dns[3].meaning, '32–63 characters');
  assert.match(dns[4].meaning, /\(4\.2, 4\.5\]/);
  assert.equal(dns[6].meaning, 'TXT');
  assert.equal(dns[7].meaning, 'NXDOMAIN');
  const proxy = decodeProxyWord('1_9_GET_14_application_7_6_unknown_response_code');
  assert.deepEqual(proxy.map((p) => p.value), ['1', '9', 'GET', '14', 'application', '7', '6', 'unknown_response_code']);
  assert.equal(proxy[7].meaning, 'none given');
});

test('IANA names and readable values', () => {
  assert.equal(dnsTypeName(28), 'AAAA');
  assert.equal(dnsTypeName('65534'), 'TYPE65534');
  assert.equal(dnsTypeName(-1), '-');
  assert.equal(dnsRcodeName(3), 'NXDOMAIN');
  assert.equal(dnsClassName('0x00000001'), 'IN');
  assert.equal(dnsClassName('0x000000fe'), 'NONE');
  assert.equal(portLabel('53'), '53 (dns)');
  assert.equal(portLabel(50123), '50123');
  assert.equal(humanBytes(1536), '1.5 KiB');
  assert.equal(humanBytes(12), '12 B');
});

test('allow-list entries match IPs, CIDRs, names and wildcard domains (root included) in SQL', async () => {
  const parsed = parseAllowlist('10.1.0.0/16 # lab\n192.0.2.7\n*.example.com\nexact.org\n::1\nbad entry\n');
  assert.deepEqual(parsed.entries.map((e) => e.kind), ['cidr', 'ip', 'name', 'name', 'ip']);
  assert.deepEqual(parsed.problems.map((p) => p.line), [6]);
  const pred = allowlistPredicate('dns', parsed.entries);
  const rows = await query(`
    CREATE MACRO spot_console_ip4(x) AS CASE WHEN regexp_full_match(x, '\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}') THEN
      TRY_CAST(split_part(x, '.', 1) AS BIGINT) * 16777216 + TRY_CAST(split_part(x, '.', 2) AS BIGINT) * 65536
      + TRY_CAST(split_part(x, '.', 3) AS BIGINT) * 256 + TRY_CAST(split_part(x, '.', 4) AS BIGINT) END;
    SELECT ip_dst, dns_qry_name, ${pred} AS hidden FROM (VALUES
      ('10.1.200.3', 'a.test'), ('10.2.0.1', 'a.test'), ('192.0.2.7', 'b.test'), ('10.2.0.2', 'example.com'),
      ('10.2.0.3', 'x.y.EXAMPLE.com.'), ('10.2.0.4', 'notexample.com'), ('10.2.0.5', 'exact.org'), ('10.2.0.6', 'a.exact.org'))
      t(ip_dst, dns_qry_name) ORDER BY ip_dst, dns_qry_name`);
  const hidden = Object.fromEntries(rows.map((r) => [`${r.ip_dst} ${r.dns_qry_name}`, r.hidden]));
  assert.deepEqual(hidden, {
    '10.1.200.3 a.test': true, '10.2.0.1 a.test': false, '192.0.2.7 b.test': true, '10.2.0.2 example.com': true,
    '10.2.0.3 x.y.EXAMPLE.com.': true, '10.2.0.4 notexample.com': false, '10.2.0.5 exact.org': true, '10.2.0.6 a.exact.org': false,
  });
  assert.equal(allowlistPredicate('flow', []), 'false');
});

test('re-score runs with the recorded settings and input (issue 10), else the wrapper form, else is refused', () => {
  const day = (summary: object, confFile?: string) =>
    ({
      run: { summary: { reported: 120, ...summary } },
      entry: { day: '20160505', type: 'dns', scoredDir: '/s/scores', feedbackFile: '/s/feedback/ml_feedback.csv', confFile },
    }) as unknown as DayState;
  const recorded = day({
    inputPath: '/data/dns/d=05',
    settings: {
      threshold: { value: 1e-6, source: 'flag' },
      maxresults: { value: 200, source: 'positional' },
      ldatopiccount: { value: 20, source: 'default' },
      userdomain: { value: 'acme', source: 'spot.conf' },
      header: { value: true, source: 'flag' },
      delimiter: { value: ',', source: 'flag' },
      scored: { value: '/elsewhere', source: 'flag' },
    },
  });
  assert.deepEqual(rescoreArgs(recorded), [
    '--analysis', 'dns', '--input', '/data/dns/d=05', '--scored', '/s/scores', '--feedback', '/s/feedback/ml_feedback.csv',
    '--threshold', '0.000001', '--maxresults', '200', '--userdomain', 'acme', '--header', '--delimiter', ',',
  ]);
  assert.deepEqual(rescoreArgs(day({}, '/etc/spot.conf')), ['20160505', 'dns', '1', '120', '--conf', '/etc/spot.conf']);
  assert.throws(() => rescoreArgs(day({})), /records neither its settings nor its input/);
});
