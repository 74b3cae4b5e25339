/**
 * The labelled benchmark (issue 13): generates days with injected, labelled attacks and benign rarity,
 * runs the CLI on each in each scoring mode (every event reported: threshold 1, maxresults -1) and prints,
 * per type and attack kind, AUC, precision at k, recall@100, recall@1000, the median rank percentile of
 * the attack events and the events to review to find 90% of them. Not run by CI.
 *
 *   npx tsc -p . && node dist/bench/labelled/run.js [--seeds 201,202,203] [--types flow,dns,proxy]
 *     [--rows 200000] [--hosts N] [--modes spot,robust] [--json FILE]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDbEngine } from '../../src/engine/duckdb.js';
import { repoRoot } from '../days.js';
import { USER_DOMAIN, writeLabelledDay, type BenchType } from './day.js';
import { allFigures, loadRanked, topTags, type Figures } from './evaluate.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '201,202,203' },
    types: { type: 'string', default: 'flow,dns,proxy' },
    rows: { type: 'string', default: '200000' },
    hosts: { type: 'string' },
    modes: { type: 'string', default: 'spot,robust' },
    json: { type: 'string' },
    out: { type: 'string', default: join(repoRoot, 'bench', 'out', 'labelled') },
  },
});
const seeds = values.seeds!.split(',').map(Number);
const types = values.types!.split(',') as BenchType[];
const modes = values.modes!.split(',');
const rows = Number(values.rows);
const hosts = values.hosts ? Number(values.hosts) : Math.max(200, Math.round(rows / 200));
const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');

interface Row extends Figures {
  seed: number;
  type: BenchType;
  mode: string;
  top: string;
}
const all: Row[] = [];
const engine = await DuckDbEngine.open({ threads: 2 });
try {
  for (const seed of seeds) {
    for (const type of types) {
      const root = join(values.out!, `seed-${seed}`);
      mkdirSync(root, { recursive: true });
      const { day, labels } = await writeLabelledDay(engine, root, type, seed, rows, hosts);
      for (const mode of modes) {
        const scored = join(root, `${type}-${mode}`);
        rmSync(scored, { recursive: true, force: true });
        const args = [cli, '--analysis', type, '--input', day, '--scored', scored, '--userdomain', USER_DOMAIN,
          '--threshold', '1', '--maxresults', '-1', '--quiet', ...(mode === 'spot' ? [] : ['--scoring', mode])];
        const t = Date.now();
        const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
        if (r.status !== 0) throw new Error(`${type} ${mode} seed ${seed}: ${r.stderr}`);
        const seconds = (Date.now() - t) / 1000;
        await loadRanked(engine, type, join(scored, `${type}_results.csv`), labels);
        const figs = await allFigures(engine);
        const top = await topTags(engine, figs[0]?.attacks ?? 100);
        process.stdout.write(`\n## seed ${seed} ${type} ${mode} (${seconds.toFixed(1)} s); top k holds: ${top}\n`);
        process.stdout.write('| scope | attacks | AUC | P@k | R@100 | R@1000 | median rank % | review for 90% |\n|---|---|---|---|---|---|---|---|\n');
        for (const f of figs) {
          all.push({ ...f, seed, type, mode, top });
          process.stdout.write(`| ${f.scope} | ${f.attacks} | ${f.auc.toFixed(4)} | ${f.precisionAtK.toFixed(3)} | ${f.recall100.toFixed(3)} | ` +
            `${f.recall1000.toFixed(3)} | ${f.medianRankPct.toFixed(3)} | ${f.review90} |\n`);
        }
      }
    }
  }
  printMeans(all);
  if (values.json) writeFileSync(values.json, JSON.stringify(all, null, 2) + '\n');
} finally {
  await engine.close();
}

/** Mean over the seeds, per type, scope (all, sparse, concentrated) and mode. */
function printMeans(rows: Row[]): void {
  process.stdout.write(`\n## mean over seeds ${seeds.join(', ')} (${rows.length ? rows[0] && values.rows : ''} events per day)\n`);
  process.stdout.write('| type | scope | mode | AUC | P@k | R@100 | R@1000 | median rank % | review for 90% |\n|---|---|---|---|---|---|---|---|---|\n');
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.type}|${r.scope}|${r.mode}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  for (const [key, g] of groups) {
    const [type, scope, mode] = key.split('|');
    process.stdout.write(`| ${type} | ${scope} | ${mode} | ${mean(g.map((r) => r.auc)).toFixed(4)} | ${mean(g.map((r) => r.precisionAtK)).toFixed(3)} | ` +
      `${mean(g.map((r) => r.recall100)).toFixed(3)} | ${mean(g.map((r) => r.recall1000)).toFixed(3)} | ` +
      `${mean(g.map((r) => r.medianRankPct)).toFixed(3)} | ${Math.round(mean(g.map((r) => r.review90)))} |\n`);
  }
}
