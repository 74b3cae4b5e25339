/**
 * Ranking figures of a results file (every scored event, ascending score, ties in input order) against the
 * day's labels: per scope of attack events (all, by shape, by kind and shape), AUC, precision at k,
 * recall in the top 100 and 1,000, median rank percentile, and events to review to find 90%.
 */
import type { Engine } from '../../src/engine/engine.js';
import { sqlIdent, sqlString } from '../../src/engine/engine.js';
import { analysisFor } from '../../src/pipeline/analyses.js';
import { LABEL_KEYS, type BenchType } from './day.js';

export interface Figures {
  scope: string;
  attacks: number;
  auc: number;
  /** k = attacks of the scope; among the benign events and the scope's attacks. */
  precisionAtK: number;
  recall100: number;
  recall1000: number;
  /** Median of the attack events' positions in the whole list, as a percentage of the day's events. */
  medianRankPct: number;
  /** Position in the whole list of the event by which 90% of the scope's attacks were seen. */
  review90: number;
}

/** Loads `results` and joins it to `labels` as table bench_ranked(pos, score, tag, kind, shape). */
export async function loadRanked(engine: Engine, type: BenchType, results: string, labels: string): Promise<number> {
  const columns = [...analysisFor(type).resultColumns, 'score'];
  const spec = columns.map((c) => `${sqlString(c)}: ${c === 'score' ? "'DOUBLE'" : "'VARCHAR'"}`).join(', ');
  const keys = LABEL_KEYS[type];
  const on = keys.map((k) => `CAST(l.${sqlIdent(k)} AS VARCHAR) = r.${sqlIdent(k)}`).join(' AND ');
  await engine.exec(`
    CREATE OR REPLACE TEMP TABLE bench_results AS
    SELECT row_number() OVER () AS pos, * FROM read_csv(${sqlString(results)}, delim = '\t', header = false, quote = '"', escape = '"',
      columns = {${spec}}, parallel = false);
    CREATE OR REPLACE TEMP TABLE bench_ranked AS
    SELECT r.pos, r.score, l.tag, l.kind, l.shape
    FROM bench_results r LEFT JOIN (SELECT DISTINCT ON (${keys.map(sqlIdent).join(', ')}) * FROM read_parquet(${sqlString(labels)})) l ON ${on};
    DROP TABLE bench_results;`);
  const [{ n }] = await engine.rows('SELECT count(*) AS n FROM bench_ranked');
  return Number(n);
}

/** The figures for the attack events matching `where` (SQL over bench_ranked). */
export async function figures(engine: Engine, scope: string, where: string): Promise<Figures | undefined> {
  const [row] = await engine.rows(`
    WITH list AS (
      SELECT pos, score, (tag = 'attack' AND ${where}) IS TRUE AS positive FROM bench_ranked
      WHERE tag IS DISTINCT FROM 'attack' OR (${where})
    ), ranked AS (
      SELECT *, row_number() OVER (ORDER BY pos) AS lpos,
        rank() OVER (ORDER BY score) + (count(*) OVER (PARTITION BY score) - 1) / 2.0 AS avg_rank
      FROM list
    ), totals AS (
      SELECT count(*) FILTER (WHERE positive) AS p, count(*) FILTER (WHERE NOT positive) AS neg,
        (SELECT count(*) FROM bench_ranked) AS n FROM ranked
    ), positives AS (
      SELECT pos, lpos, avg_rank, row_number() OVER (ORDER BY pos) AS nth FROM ranked WHERE positive
    )
    SELECT t.p, 1 - (sum(avg_rank) - t.p * (t.p + 1) / 2.0) / (t.p * t.neg) AS auc,
      count(*) FILTER (WHERE lpos <= t.p) / t.p AS pak,
      count(*) FILTER (WHERE pos <= 100) / t.p AS r100, count(*) FILTER (WHERE pos <= 1000) / t.p AS r1000,
      100.0 * median(pos) / t.n AS med, max(pos) FILTER (WHERE nth = CAST(ceil(0.9 * t.p) AS BIGINT)) AS review90
    FROM positives, totals t GROUP BY t.p, t.neg, t.n`);
  if (!row || Number(row.p) === 0) return undefined;
  return {
    scope,
    attacks: Number(row.p),
    auc: Number(row.auc),
    precisionAtK: Number(row.pak),
    recall100: Number(row.r100),
    recall1000: Number(row.r1000),
    medianRankPct: Number(row.med),
    review90: Number(row.review90),
  };
}

/** Figures for all attacks, each shape, and each kind and shape. */
export async function allFigures(engine: Engine): Promise<Figures[]> {
  const out: Figures[] = [];
  const add = async (scope: string, where: string) => {
    const f = await figures(engine, scope, where);
    if (f) out.push(f);
  };
  await add('all', 'true');
  for (const shape of ['sparse', 'concentrated']) await add(shape, `shape = '${shape}'`);
  const kinds = await engine.rows(`SELECT DISTINCT kind, shape FROM bench_ranked WHERE tag = 'attack' ORDER BY kind, shape DESC`);
  for (const k of kinds) await add(`${k.kind}/${k.shape}`, `kind = '${k.kind}' AND shape = '${k.shape}'`);
  return out;
}

/** What fills the top k of the whole list: counts by tag (benign rarity kinds, 'attack', or 'ordinary'). */
export async function topTags(engine: Engine, k: number): Promise<string> {
  const rows = await engine.rows(`
    SELECT coalesce(CASE WHEN tag = 'attack' THEN kind || '/' || shape ELSE tag END, 'ordinary') AS what, count(*) AS n
    FROM bench_ranked WHERE pos <= ${k} GROUP BY ALL ORDER BY n DESC`);
  return rows.map((r) => `${r.what} ${r.n}`).join(', ');
}
