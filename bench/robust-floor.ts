/**
 * Floors of the robust aggregates' first pass (issue 13, session 8): one statement at a time on a cached
 * bench day, each with its wall and CPU seconds, single-threaded by default (steadier on a shared machine).
 *
 *   npx tsc -p . && node dist/bench/robust-floor.js [DAY_DIR] [--threads 1] [--only NAME,...]
 *
 *   [--memory-limit 6GB] [--set "SET preserve_insertion_order = false"]
 *
 * Statements: scan (the profile computed, nothing grouped), pass1 (the GROUPING SETS of buildAggregates,
 * every aggregate consumed), pass1Table (the same written as rb_pass1, as buildAggregates did until session 8), pairs and
 * pairsTable (the (host, peer) set alone, full aggregates), pairsNarrow (its count only, pruned), p1..p4 (the
 * pairs' set with one aggregate more each), count (a count per one UBIGINT key hash(host, peer)), values
 * (the (host, value) sets alone, aggregates pruned).
 * Session 9 (the narrow copy and split states): narrowCount (the profile and the file's hash, aggregated),
 * narrow (the same written as the table rb_ev), pass1N / pairsN / pairsNd (sum of bytes as DOUBLE) /
 * valuesN (bit_or only) reading rb_ev (run `narrow` first), pairsV / valuesV (buildAggregates' two groupings
 * today, each reading the day), cte (both in one statement over a MATERIALIZED common table expression).
 */
import { join } from 'node:path';
import { DuckDbEngine } from '../src/engine/duckdb.js';
import { defineSqlHelpers } from '../src/common/sql-helpers.js';
import { analysisFor } from '../src/pipeline/analyses.js';
import { attachInput } from '../src/pipeline/run.js';
import { resolveInputFiles } from '../src/pipeline/input.js';
import { profileEventsSql } from '../src/scoring/robust/score.js';
import { robustProfile } from '../src/scoring/robust/profiles.js';
import { featureColumns, hourAndSlotBits, hourBit } from '../src/scoring/robust/aggregates.js';
import { outRoot } from './days.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const day = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : join(outRoot, 'data', 'flow-10m');
  const analysis = analysisFor('flow');
  const engine = await DuckDbEngine.open({ threads: Number(arg('--threads') ?? 1), memoryLimit: arg('--memory-limit') });
  const profile = robustProfile('flow');
  const f = featureColumns(profile.features.length);
  const bits = `bit_or(${hourBit})`;
  const statements: Record<string, string> = {
    scan: `SELECT count(*), sum(host), sum(peer), sum(CAST(init AS INT)), sum(t), sum(size), sum(outb), ${f.map((c) => `sum(hash(${c}))`).join(', ')} FROM rb_events`,
    pass1: `SELECT count(*), sum(n), sum(n_init), sum(outb), bit_xor(bits), bit_xor(host), bit_xor(peer), ${f.map((c) => `bit_xor(hash(${c}))`).join(', ')} FROM (SELECT host, peer, ${f.join(', ')}, count(*) AS n, count(*) FILTER (WHERE init) AS n_init, sum(outb) AS outb, ${bits} AS bits
      FROM rb_events GROUP BY GROUPING SETS ((host, peer), ${f.map((c) => `(host, ${c})`).join(', ')}))`,
    pairs: `SELECT count(*), sum(n), sum(n_init), sum(outb), bit_xor(bits), bit_xor(host), bit_xor(peer) FROM (SELECT host, peer, count(*) AS n, count(*) FILTER (WHERE init) AS n_init, sum(outb) AS outb, ${bits} AS bits FROM rb_events GROUP BY host, peer)`,
    pairsNarrow: `SELECT count(*) FROM (SELECT host, peer, count(*) AS n FROM rb_events GROUP BY host, peer)`,
    count: `SELECT count(*) FILTER (WHERE n = 1) FROM (SELECT hash(host, peer) AS k, count(*) AS n FROM rb_events GROUP BY k)`,
    pass1Table: `CREATE OR REPLACE TEMP TABLE rb_pass1 AS SELECT GROUPING_ID(host, peer, ${f.join(', ')}) AS gid, host, peer, ${f.join(', ')}, count(*) AS n, count(*) FILTER (WHERE init) AS n_init, sum(outb) AS outb, ${bits} AS bits
      FROM rb_events GROUP BY GROUPING SETS ((host, peer), ${f.map((c) => `(host, ${c})`).join(', ')})`,
    pairsTable: `CREATE OR REPLACE TEMP TABLE rb_pairs_t AS SELECT host, peer, count(*) AS n, count(*) FILTER (WHERE init) AS n_init, sum(outb) AS outb, ${bits} AS bits FROM rb_events GROUP BY host, peer`,
    p1: `SELECT count(*), sum(n), bit_xor(host), bit_xor(peer) FROM (SELECT host, peer, count(*) AS n FROM rb_events GROUP BY host, peer)`,
    p2: `SELECT count(*), sum(n), sum(n_init), bit_xor(host), bit_xor(peer) FROM (SELECT host, peer, count(*) AS n, count(*) FILTER (WHERE init) AS n_init FROM rb_events GROUP BY host, peer)`,
    p2b: `SELECT count(*), sum(n), sum(n_init), bit_xor(host), bit_xor(peer) FROM (SELECT host, peer, count(*) AS n, sum(CAST(init AS INTEGER)) AS n_init FROM rb_events GROUP BY host, peer)`,
    p3: `SELECT count(*), sum(n), sum(outb), bit_xor(host), bit_xor(peer) FROM (SELECT host, peer, count(*) AS n, sum(outb) AS outb FROM rb_events GROUP BY host, peer)`,
    p4: `SELECT count(*), sum(n), bit_xor(bits), bit_xor(host), bit_xor(peer) FROM (SELECT host, peer, count(*) AS n, ${bits} AS bits FROM rb_events GROUP BY host, peer)`,
    narrow: `CREATE OR REPLACE TEMP TABLE rb_ev AS SELECT host, peer, init, t, size, outb, ${f.join(', ')}, hash(spot_file) AS file_key, spot_row FROM rb_events`,
    narrowCount: `SELECT count(*), sum(host), sum(peer), sum(CAST(init AS INT)), sum(t), sum(size), sum(outb), ${f.map((c) => `sum(hash(${c}))`).join(', ')}, sum(hash(spot_file)), sum(spot_row) FROM rb_events`,
    pairsV: `CREATE OR REPLACE TEMP TABLE rb_pairs_t AS SELECT host, peer, count(*) AS n, count(*) FILTER (WHERE init) AS n_init, sum(outb) AS outb, ${bits} AS bits FROM rb_events GROUP BY host, peer`,
    valuesV: `CREATE OR REPLACE TEMP TABLE rb_vals AS SELECT GROUPING_ID(host, ${f.join(', ')}) AS gid, host, ${f.join(', ')}, bit_or(${hourAndSlotBits}) AS bits FROM rb_events GROUP BY GROUPING SETS (${f.map((c) => `(host, ${c})`).join(', ')})`,
    cte: `CREATE OR REPLACE TEMP TABLE rb_pass1 AS WITH ev AS MATERIALIZED (SELECT host, peer, init, outb, ${f.join(', ')}, ${hourAndSlotBits} AS hs FROM rb_events)
      SELECT 0 AS gid, host, peer, NULL AS f0, NULL AS f1, NULL AS f2, count(*) AS n, count(*) FILTER (WHERE init) AS n_init, sum(outb) AS outb, bit_or(hs) AS bits FROM ev GROUP BY host, peer
      UNION ALL SELECT GROUPING_ID(host, ${f.join(', ')}) AS gid, host, NULL, ${f.join(', ')}, NULL, NULL, NULL, bit_or(hs) FROM ev GROUP BY GROUPING SETS (${f.map((c) => `(host, ${c})`).join(', ')})`,
    pass1N: `CREATE OR REPLACE TEMP TABLE rb_pass1 AS SELECT GROUPING_ID(host, peer, ${f.join(', ')}) AS gid, host, peer, ${f.join(', ')}, count(*) AS n, count(*) FILTER (WHERE init) AS n_init, sum(outb) AS outb, ${bits} AS bits
      FROM rb_ev GROUP BY GROUPING SETS ((host, peer), ${f.map((c) => `(host, ${c})`).join(', ')})`,
    pairsN: `CREATE OR REPLACE TEMP TABLE rb_pairs_t AS SELECT host, peer, count(*) AS n, count(*) FILTER (WHERE init) AS n_init, sum(outb) AS outb, ${bits} AS bits FROM rb_ev GROUP BY host, peer`,
    pairsNd: `CREATE OR REPLACE TEMP TABLE rb_pairs_t AS SELECT host, peer, count(*) AS n, count(*) FILTER (WHERE init) AS n_init, sum(CAST(outb AS DOUBLE)) AS outb, ${bits} AS bits FROM rb_ev GROUP BY host, peer`,
    valuesN: `CREATE OR REPLACE TEMP TABLE rb_vals AS SELECT GROUPING_ID(host, ${f.join(', ')}) AS gid, host, ${f.join(', ')}, bit_or(${hourAndSlotBits}) AS bits FROM rb_ev GROUP BY GROUPING SETS (${f.map((c) => `(host, ${c})`).join(', ')})`,
    values: `SELECT count(*) FROM (SELECT host, ${f.join(', ')}, ${bits} AS bits FROM rb_events GROUP BY GROUPING SETS (${f.map((c) => `(host, ${c})`).join(', ')}))`,
  };
  const only = arg('--only')?.split(',') ?? Object.keys(statements);
  try {
    await defineSqlHelpers(engine);
    if (arg('--set')) await engine.exec(arg('--set')!);
    const files = await resolveInputFiles(engine, day);
    await attachInput(engine, analysis, files, day);
    await engine.exec(`CREATE OR REPLACE TEMP VIEW rb_events AS ${profileEventsSql(profile, 'input_view')}`);
    for (const name of only) {
      const wall = Date.now();
      const cpu = process.cpuUsage();
      const rows = await engine.rows(statements[name]);
      const used = process.cpuUsage(cpu);
      process.stdout.write(`${name}: ${((Date.now() - wall) / 1000).toFixed(2)} s, cpu ${((used.user + used.system) / 1e6).toFixed(2)} s, rss ${Math.round(process.memoryUsage.rss() / 1048576)} MB  ${JSON.stringify(rows[0], (_k, v) => (typeof v === 'bigint' ? String(v) : v))}\n`);
    }
  } finally {
    await engine.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
