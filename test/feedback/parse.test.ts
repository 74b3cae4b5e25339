import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFeedback } from '../../src/feedback/read.js';
import { flowFeedbackLayout } from '../../src/flow/feedback.js';
import { dnsFeedbackLayout } from '../../src/dns/feedback.js';
import { proxyFeedbackLayout } from '../../src/proxy/feedback.js';

const DNS_HEADER =
  'frame_time,frame_len,ip_dst,dns_qry_name,dns_qry_class,dns_qry_type,dns_qry_rcode,score,tld,query_rep,hh,ip_sev,dns_sev,' +
  'dns_qry_class_name,dns_qry_type_name,dns_qry_rcode_name,network_context,unix_tstamp';
const DNS_ROW =
  'May  12 2015 11:32:45.543421000 UTC,213,10.0.0.9,abcdefg.apache.com,0x00000001,1,0,0.0001,apache.com,,11,0,3,IN,A,NOERROR,,1431430365';
const PROXY_HEADER =
  'p_date,p_time,clientip,host,reqmethod,useragent,resconttype,duration,username,webcat,referer,respcode,uriport,uripath,' +
  'uriquery,serverip,scbytes,csbytes,fulluri,word,score,uri_rep,uri_sev,respcode_name,network_context,hash';
const PROXY_ROW =
  '2016-05-05,13:04:05,10.0.0.7,example.com,GET,"Mozilla/5.0 (X11, Linux)",text/html,12,-,-,-,200,80,/a,,93.184.216.34,' +
  '512,300,http://example.com/a,0_13_GET_14_text_3_4_200,0.001,,2,OK,,abc';

describe('feedback file parsing (SPEC §6)', () => {
  test('flow: columns by header name (any order, srcIP/dstIP), CRLF line ends, a proto column', () => {
    const text = 'dstIP,srcIP,sev,tstart,dport,sport,ibyt,ipkt,proto\r\n2.2.2.2,1.1.1.1,3,2016-05-05 13:01:02,80,5555,900,3,TCP\r\n';
    const parsed = parseFeedback(text, flowFeedbackLayout);
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.rows, [
      { line: 2, values: { sev: '3', tstart: '2016-05-05 13:01:02', sip: '1.1.1.1', dip: '2.2.2.2', sport: '5555', dport: '80', ipkt: '3', ibyt: '900', proto: 'TCP' } },
    ]);
  });

  test("flow: an unrecognised header falls back to Spot's positions", () => {
    const parsed = parseFeedback('a\tb\tc\td\te\tf\tg\th\n1\t2016-05-05 00:00:00\t1.1.1.1\t2.2.2.2\t1\t2\t3\t4\n', flowFeedbackLayout);
    assert.equal(parsed.delimiter, '\t');
    assert.equal(parsed.rows[0].values.dip, '2.2.2.2');
    assert.equal(parsed.rows[0].values.proto, undefined);
  });

  test('malformed lines are reported by number; a stray quote does not swallow the lines after it; blank lines are skipped', () => {
    const text = [
      'sev,tstart,sip,dip,sport,dport,ipkt,ibyt',
      '3,"2016-05-05 00:00:00"x,1.1.1.1,2.2.2.2,1,2,3,4',
      '',
      '4,2016-05-05 00:00:00,1.1.1.1,2.2.2.2,1,2,3,4',
      '3,2016-05-05 00:00:00,1.1.1.1,2.2.2.2,one,2,3,4',
      '3,2016-05-05 00:00:00,,2.2.2.2,1,2,3,4',
      '3,2016-05-05 00:00:00,1.1.1.1,2.2.2.2,1,2,3,4',
    ].join('\n');
    const parsed = parseFeedback(text, flowFeedbackLayout);
    assert.deepEqual(parsed.problems.map((p) => p.line), [2, 4, 5, 6]);
    assert.match(parsed.problems[0].problem, /not well-formed/);
    assert.match(parsed.problems[1].problem, /rating 4 is not 1, 2 or 3/);
    assert.match(parsed.problems[2].problem, /sport: "one" is not a whole number/);
    assert.match(parsed.problems[3].problem, /sip is empty/);
    assert.deepEqual(parsed.rows.map((r) => r.line), [7]);
  });

  test('a header that hides a needed column makes every line unusable, said once', () => {
    const parsed = parseFeedback('proto,sev\nTCP,3\n', flowFeedbackLayout);
    assert.equal(parsed.rows.length, 0);
    assert.deepEqual(parsed.problems.map((p) => p.line), [1]);
    assert.match(parsed.problems[0].problem, /no column for tstart: no line can be used/);
  });

  test('dns: the 18-column layout, comma or tab, rating from dns_sev', () => {
    const comma = parseFeedback(`${DNS_HEADER}\n${DNS_ROW}\n`, dnsFeedbackLayout);
    const tab = parseFeedback(`${DNS_HEADER}\n${DNS_ROW}\n`.replaceAll(',', '\t'), dnsFeedbackLayout);
    assert.deepEqual(comma.problems, []);
    assert.deepEqual(comma.rows, tab.rows);
    assert.deepEqual(comma.rows[0].values, {
      frame_time: 'May  12 2015 11:32:45.543421000 UTC', frame_len: '213', ip_dst: '10.0.0.9', dns_qry_name: 'abcdefg.apache.com',
      dns_qry_class: '0x00000001', dns_qry_type: '1', dns_qry_rcode: '0', dns_sev: '3', unix_tstamp: '1431430365',
    });
  });

  test('dns: too few fields, a bad frame_time, an empty (nullable) query type', () => {
    const fields = DNS_ROW.split(',');
    const badTime = [...fields];
    badTime[0] = 'yesterday';
    const noType = [...fields];
    noType[5] = '';
    const text = [DNS_HEADER, fields.slice(0, 17).join(','), badTime.join(','), noType.join(',')].join('\n');
    const parsed = parseFeedback(text, dnsFeedbackLayout);
    assert.deepEqual(parsed.problems.map((p) => p.line), [2, 3]);
    assert.match(parsed.problems[0].problem, /too few fields \(17; this file's columns need 18\)/);
    assert.match(parsed.problems[1].problem, /frame_time: time "yesterday"/);
    assert.equal(parsed.rows[0].values.dns_qry_type, '');
  });

  test('proxy: the 26-column layout, a quoted user agent holding the delimiter, rating from uri_sev', () => {
    const parsed = parseFeedback(`${PROXY_HEADER}\n${PROXY_ROW}\n`, proxyFeedbackLayout);
    assert.deepEqual(parsed.problems, []);
    const v = parsed.rows[0].values;
    assert.equal(v.useragent, 'Mozilla/5.0 (X11, Linux)');
    assert.equal(v.uri_sev, '2');
    assert.equal(v.fulluri, 'http://example.com/a');
    assert.equal(v.word, undefined, 'columns the model does not read are not carried');
    const tab = parseFeedback(`${PROXY_HEADER}\n${PROXY_ROW}\n`.replaceAll(',', '\t').replace('(X11\t Linux)', '(X11, Linux)'), proxyFeedbackLayout);
    assert.deepEqual(tab.rows, parsed.rows);
  });

  test('proxy: a bad p_time and a non-numeric uri_sev are malformed', () => {
    const badTime = PROXY_ROW.replace('13:04:05', '13h04');
    const badRating = PROXY_ROW.replace(',2,OK,', ',low,OK,');
    const parsed = parseFeedback([PROXY_HEADER, badTime, badRating].join('\n'), proxyFeedbackLayout);
    assert.deepEqual(parsed.problems.map((p) => [p.line, p.problem]), [
      [2, 'p_time: time "13h04" is not HH:MM:SS'],
      [3, 'uri_sev: rating "low" is not a number'],
    ]);
  });
});
