import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSpotConf } from '../src/cli/spot-conf.js';
import { runCli } from './helpers.js';

test("spot.conf values expand earlier keys and the wrapper's variables, with shell quoting and comments", () => {
  const conf = parseSpotConf(
    [
      '#node configuration',
      "UINODE='node03'",
      'HUSER=/user/spot   # a comment',
      'DBNAME="spot db"',
      'FLOW_PATH=${HUSER}/${DSOURCE}/hive/y=${YR}/m=${MH}/d=${DY}/',
      "HPATH=${HUSER}/${DSOURCE}/scored_results/${FDATE}",
      "LITERAL='${HUSER}'",
      'QUOTED="$HUSER/x"',
      'EMPTY=',
      'if [ -n "$x" ]; then',
      'fi',
    ].join('\n'),
    { DSOURCE: 'flow', FDATE: '20160505', YR: '2016', MH: '05', DY: '05' },
  );
  assert.equal(conf.UINODE, 'node03');
  assert.equal(conf.HUSER, '/user/spot');
  assert.equal(conf.DBNAME, 'spot db');
  assert.equal(conf.FLOW_PATH, '/user/spot/flow/hive/y=2016/m=05/d=05/');
  assert.equal(conf.HPATH, '/user/spot/flow/scored_results/20160505');
  assert.equal(conf.LITERAL, '${HUSER}');
  assert.equal(conf.QUOTED, '/user/spot/x');
  assert.equal(conf.EMPTY, '');
  assert.equal(Object.keys(conf).length, 8);
});

test('--help documents every flag with its default', () => {
  const r = runCli(['--help']);
  assert.equal(r.code, 0);
  const help = r.stdout.slice(r.stdout.indexOf('Options:')).replace(/\s+/g, ' ');
  for (const flag of ['--analysis', '--input', '--feedback', '--dupfactor', '--ldatopiccount', '--userdomain', '--scored', '--threshold',
    '--maxresults', '--delimiter', '--prgseed', '--ldamaxiterations', '--ldaalpha', '--ldabeta', '--precision', '--ldaoptimizer']) {
    const at = help.indexOf(`${flag} `);
    assert.ok(at >= 0, `${flag} documented`);
    const entry = help.slice(at, help.indexOf(' --', at + 2) > 0 ? help.indexOf(' --', at + 2) : undefined);
    assert.match(entry, /default/, `${flag} states its default: ${entry}`);
  }
});
