import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rateEvent } from '../../src/feedback/rate.js';
import { flowFeedbackLayout } from '../../src/flow/feedback.js';

const event = { tstart: '2016-05-05 13:01:02', sip: '1.1.1.1', dip: '2.2.2.2', sport: '5555', dport: '80', ipkt: '3', ibyt: '900', proto: 'TCP' };

test('a rating through a symbolic link writes the real file and keeps the link (as spot-ml feedback does)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'spot-rate-link-'));
  const real = join(dir, 'real.csv');
  const link = join(dir, 'ml_feedback.csv');
  await writeFile(real, 'sev,tstart,sip,dip,sport,dport,ipkt,ibyt,proto\n');
  await symlink(real, link);
  await rateEvent(link, flowFeedbackLayout, { ...event, sev: '3' });
  await rateEvent(link, flowFeedbackLayout, { ...event, sev: '1' });
  assert.ok((await lstat(link)).isSymbolicLink(), 'the link is still a link');
  assert.equal(
    await readFile(real, 'utf8'),
    'sev,tstart,sip,dip,sport,dport,ipkt,ibyt,proto\n1,2016-05-05 13:01:02,1.1.1.1,2.2.2.2,5555,80,3,900,TCP\n',
  );
});
