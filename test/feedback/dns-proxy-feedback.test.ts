import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbEngine } from '../../src/engine/duckdb.js';
import { generateDnsDay } from '../../src/demo/dns-day.js';
import { generateProxyDay } from '../../src/demo/proxy-day.js';
import { runCli } from '../helpers.js';

const DATE = '20160505';

const cases = [
  {
    type: 'dns',
    scoreField: 8,
    generate: (engine: DuckDbEngine, root: string) =>
      generateDnsDay(engine, { root, rows: 4000, hosts: 60, date: DATE, userDomain: 'spotdemo', tunnelQueries: 4 }),
  },
  {
    type: 'proxy',
    scoreField: 20,
    generate: (engine: DuckDbEngine, root: string) =>
      generateProxyDay(engine, { root, rows: 4000, hosts: 60, date: DATE, userDomain: 'spotdemo', beaconRequests: 2 }),
  },
] as const;

for (const c of cases) {
  test(`${c.type}: rating the least probable event 3 with dupfactor 1000 raises its score tenfold and moves it out of the five lowest; tab or comma, ratings 1 and 2`, async () => {
    const dir = await mkdtemp(join(tmpdir(), `spot-feedback-${c.type}-`));
    const engine = await DuckDbEngine.open({ threads: 2 });
    const day = await c.generate(engine, dir).finally(() => engine.close());
    const analyse = (name: string, extra: string[] = []) => {
      const scored = join(dir, name);
      const run = runCli(['--analysis', c.type, '--input', day, '--scored', scored, '--userdomain', 'spotdemo',
        '--threshold', '1', '--maxresults', '-1', '-q', ...extra]);
      assert.equal(run.code, 0, run.stderr);
      return join(scored, `${c.type}_results.csv`);
    };
    const event = (line: string) => line.split('\t').filter((_, i) => i !== c.scoreField).join('\t');
    const score = (line: string) => Number(line.split('\t')[c.scoreField]);

    const baseline = (await readFile(analyse('baseline'), 'utf8')).split('\n').filter(Boolean);
    const file = join(dir, 'feedback', 'ml_feedback.csv');
    const rec = runCli(['feedback', '--type', c.type, '--rating', '3', '--file', file, '--results', join(dir, 'baseline', `${c.type}_results.csv`), '--row', '1']);
    assert.equal(rec.code, 0, rec.stderr);
    const rated = await readFile(analyse('rated', ['--feedback', file, '--dupfactor', '1000']), 'utf8');
    const lines = rated.split('\n').filter(Boolean);
    const at = lines.findIndex((l) => event(l) === event(baseline[0]));
    assert.ok(at >= 5, `the rated event is still among the five lowest (position ${at})`);
    assert.ok(score(lines[at]) >= 10 * score(baseline[0]), `score ${score(baseline[0])} -> ${score(lines[at])}`);

    // the same file tab-separated gives the same results
    const tabbed = join(dir, 'feedback.tsv');
    const records: string[][] = parse(await readFile(file, 'utf8'));
    assert.ok(records.every((r) => r.every((f) => !f.includes('\t'))));
    await writeFile(tabbed, records.map((r) => r.join('\t')).join('\n') + '\n');
    assert.equal(await readFile(analyse('tabbed', ['--feedback', tabbed, '--dupfactor', '1000']), 'utf8'), rated);

    // ratings 1 and 2 change nothing
    const mild = join(dir, 'mild.csv');
    for (const [row, rating] of [[1, '1'], [2, '2']] as const) {
      const r = runCli(['feedback', '--type', c.type, '--rating', rating, '--file', mild, '--results', join(dir, 'baseline', `${c.type}_results.csv`), '--row', String(row)]);
      assert.equal(r.code, 0, r.stderr);
    }
    assert.equal(await readFile(analyse('mild', ['--feedback', mild, '--dupfactor', '1000']), 'utf8'), baseline.join('\n') + '\n');
  });
}
