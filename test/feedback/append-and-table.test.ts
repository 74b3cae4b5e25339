import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendFeedback } from '../../src/feedback/append.js';
import { parseFeedback } from '../../src/feedback/read.js';
import { createFeedbackTable } from '../../src/feedback/table.js';
import { sameNameInputRows } from '../../src/feedback/input-rows.js';
import { flowFeedbackLayout } from '../../src/flow/feedback.js';
import { dnsFeedbackLayout } from '../../src/dns/feedback.js';
import { DuckDbEngine } from '../../src/engine/duckdb.js';

const flowEvent = { sev: '3', tstart: '2016-05-05 13:01:02', sip: '1.1.1.1', dip: '2.2.2.2', sport: '5555', dport: '80', ipkt: '3', ibyt: '900' };

describe('recording feedback', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'spot-append-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  test("a new file gets Spot's header, comma-separated", async () => {
    const file = join(dir, 'new', 'ml_feedback.csv');
    await appendFeedback(file, flowFeedbackLayout, { ...flowEvent, proto: 'TCP' });
    await appendFeedback(file, flowFeedbackLayout, { ...flowEvent, sev: '1' });
    assert.equal(
      await readFile(file, 'utf8'),
      'sev,tstart,sip,dip,sport,dport,ipkt,ibyt,proto\n3,2016-05-05 13:01:02,1.1.1.1,2.2.2.2,5555,80,3,900,TCP\n' +
        '1,2016-05-05 13:01:02,1.1.1.1,2.2.2.2,5555,80,3,900,\n',
    );
  });

  test("an existing file keeps its delimiter, column order and line ends; a last line without its line end is not extended", async () => {
    const file = join(dir, 'tab.csv');
    await writeFile(file, 'tstart\tsev\tsip\tdip\tsport\tdport\tipkt\tibyt\r\n2016-05-05 00:00:00\t2\t9.9.9.9\t8.8.8.8\t1\t2\t3\t4');
    await appendFeedback(file, flowFeedbackLayout, { ...flowEvent, proto: 'UDP' });
    const text = await readFile(file, 'utf8');
    assert.ok(text.endsWith('\t4\r\n2016-05-05 13:01:02\t3\t1.1.1.1\t2.2.2.2\t5555\t80\t3\t900\r\n'), JSON.stringify(text));
    assert.equal(parseFeedback(text, flowFeedbackLayout).rows.length, 2);
  });

  test('an event that would be a malformed line is refused and nothing is written', async () => {
    const file = join(dir, 'refused.csv');
    await assert.rejects(appendFeedback(file, flowFeedbackLayout, { ...flowEvent, tstart: 'noon' }), /not recorded: tstart/);
    await assert.rejects(readFile(file));
  });
});

describe('feedback rows in the engine', () => {
  test('dns feedback rows become typed rows shaped like the dns input', async () => {
    const header = dnsFeedbackLayout.columns.map((c) => c.name).join('\t');
    const row = ['May  12 2015 11:32:45.543421000 UTC', '213', '10.0.0.9', 'a.apache.com', 'IN', '', '0', '', '', '', '', '', '3', '', '', '', '', '1431430365'];
    const parsed = parseFeedback(`${header}\n${row.join('\t')}\n`, dnsFeedbackLayout);
    const engine = await DuckDbEngine.open({ threads: 1 });
    try {
      await createFeedbackTable(engine, 'fb', dnsFeedbackLayout, parsed.rows);
      const schema = ['frame_time', 'unix_tstamp', 'frame_len', 'ip_dst', 'dns_qry_name', 'dns_qry_class', 'dns_qry_type', 'dns_qry_rcode']
        .map((name) => ({ name, kind: 'string' as const }));
      const rows = await engine.rows(sameNameInputRows(schema, dnsFeedbackLayout)('fb'));
      assert.deepEqual(rows, [{
        spot_line: 2, frame_time: 'May  12 2015 11:32:45.543421000 UTC', unix_tstamp: 1431430365n, frame_len: 213,
        ip_dst: '10.0.0.9', dns_qry_name: 'a.apache.com', dns_qry_class: 'IN', dns_qry_type: null, dns_qry_rcode: 0,
      }]);
    } finally {
      await engine.close();
    }
  });
});
