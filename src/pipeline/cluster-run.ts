import { join } from 'node:path';
import { sqlIdent, type Engine } from '../engine/engine.js';
import { SpotError } from '../common/errors.js';
import { defineSqlHelpers } from '../common/sql-helpers.js';
import { Progress, formatCount } from '../common/progress.js';
import { chIdent, chString, type ClickHouseCluster } from '../engine/clickhouse/cluster.js';
import { clickHouseDialect } from '../engine/clickhouse/dialect.js';
import { clusterColumns, copyToEveryNode, dropFromEveryNode, fetchInto, type ClusterColumn } from '../engine/clickhouse/fetch.js';
import { feedbackPairsSql, readAnalystFeedback, type LoadedFeedback } from '../feedback/apply.js';
import type { Analysis } from './analysis.js';
import { lowEntries } from './candidates.js';
import { corpusFromPairCounts } from './corpus.js';
import { clusterRules, type ClusterCount, type ClusterLookup, type ClusterRules } from './cluster-rules.js';
import { robustFeedbackAddresses, robustOnCluster } from './cluster-robust.js';
import { robustRun } from './robust-run.js';
import { emptyInvalidDir, modelAndResults, saveCounted, schemaColumns, startRun, wordErrorRows, type RunOptions, type RunSummary } from './run.js';

/** Rows the shards sent to this process, per stage (what grows with the day, and what does not). */
export type ShippedRows = Record<string, number>;

/**
 * The analysis of one day of a cluster's `<type>` table (SPEC §1), giving the files of the embedded run.
 * The shards do the per-event work: validity, words, the (ip, word) counts, the invalid records and the
 * candidate events (those having a pair that scores at most the results' cut-off). This process holds
 * the corpus, the model and the candidates, loads them into its local DuckDB and runs the embedded
 * run's own steps on them (LDA, scores, results writer), so the files are written by the same code.
 */
export async function runOnCluster(
  engine: Engine,
  cluster: ClickHouseCluster,
  analysis: Analysis,
  options: RunOptions,
  day: string,
  progress: Progress,
  shipped: ShippedRows = {},
): Promise<RunSummary> {
  const run = startRun(progress);
  const { timed } = run;
  const d = clickHouseDialect(cluster);
  const rules = clusterRules(analysis.type, d);
  progress.follow(() => engine.queryProgress());
  await defineSqlHelpers(engine);
  const table = cluster.table(analysis.type);
  const columns = await eventColumns(cluster, analysis, rules);
  const onDay = `spot_day = ${chString(day)}`;
  const lookups: { name: string; columns: readonly string[] }[] = [];
  const cleanEvents = `FROM ${table} WHERE ${onDay} AND ${rules.clean}`;
  let words = rules.words;
  try {
    for (const count of rules.counts ?? []) {
      const map = await timed('words', `day-wide counts of ${count.name}`, () => countMap(engine, cluster, count, cleanEvents, shipped));
      words = words.map((w) => w.replaceAll(count.name, map));
    }
    for (const [i, lookup] of (rules.lookups ?? []).entries()) {
      const name = `spot_lookup_${i}_${process.pid}_${Date.now()}`;
      lookups.push({ name, columns: lookup.columns });
      await timed('words', `word parts of the distinct ${lookup.columns.join(', ')}`, () =>
        shipLookup(engine, cluster, options, lookup, name, cleanEvents, columns, shipped),
      );
    }
    return await analyseDay();
  } finally {
    for (const l of lookups) await dropFromEveryNode(cluster, l.name);
  }

  async function analyseDay(): Promise<RunSummary> {
    if (lookups.length > 1) throw new SpotError('internal error: ClickHouse 18.16 joins one table per query', 1);
    const joined = lookups.map((l) => ` ANY LEFT JOIN ${cluster.table(l.name)} USING (${l.columns.map(chIdent).join(', ')})`).join('');
    const dayEvents = `FROM ${table}${joined} WHERE ${onDay}`;
    const anyMissing = words.map((w) => `isNull(${w})`).join(' OR ');
    const feedback = options.feedback ? await readAnalystFeedback(analysis, options.feedback) : undefined;
    const source = `${cluster.database}.${analysis.type} on ${day}`;

    const [tally] = await timed('read', `counting the day's events on ${cluster.nodes.length} shards`, () =>
      cluster.rows<{ rows: string; clean: string; errors: string }>(
        `SELECT count() AS rows, countIf(${rules.clean}) AS clean, countIf(${rules.clean} AND (${anyMissing})) AS errors ${dayEvents}`,
      ),
    );
    const rowsRead = Number(tally.rows);
    const wordErrors = Number(tally.errors);
    const invalid = rowsRead - Number(tally.clean);
    if (rowsRead === 0) throw new SpotError(`the cluster has no ${analysis.type} rows of ${day} in ${cluster.database}.${analysis.type}: load the day first (spot-ml load)`);
    progress.note(`${formatCount(rowsRead)} rows in ${source}`);

    const invalidDir = await emptyInvalidDir(options.scoredDir);
    const fetchEvents = async (where: string, into: string, stage: string) => {
      const n = await fetchInto(cluster, engine, `SELECT ${columns.map((c) => chIdent(c.name)).join(', ')} ${dayEvents} AND (${where})`, columns, into, SPOT_ROW);
      shipped[stage] = (shipped[stage] ?? 0) + n;
      return n;
    };
    /** The events fetched into spot_cluster_events as the embedded run's input_view. */
    const defineInputView = () =>
      engine.exec(`CREATE OR REPLACE VIEW input_view AS SELECT *, ${analysis.cleanPredicate} AS spot_clean FROM spot_cluster_events`);
    /** The embedded featurize over the fetched events, with the day-wide counts of the whole day. */
    const featurizeLocally = async () => {
      await defineInputView();
      await analysis.featurize(engine, options);
      for (const count of rules.counts ?? []) {
        await engine.exec(`CREATE OR REPLACE TEMP TABLE ${count.localTable} AS SELECT * FROM ${dayCounts(count)}`);
      }
    };
    const saveFetched = (file: string, expected: number, rows: string) =>
      saveCounted(engine, `SELECT ${schemaColumns(analysis)} FROM ${rows} ORDER BY spot_file, spot_row`, join(invalidDir, file), expected);
    await timed('read', 'saving invalid records', async () => {
      await fetchEvents(invalid > 0 ? `NOT (${rules.clean})` : '0', 'spot_cluster_rows', 'invalid records');
      await saveFetched('invalid.parquet', invalid, 'spot_cluster_rows');
      if (wordErrors === 0) return;
      // As the embedded run writes them: featurised (with Spot's fills), by the analysis' own featurize.
      await fetchEvents(`${rules.clean} AND (${anyMissing})`, 'spot_cluster_events', 'invalid records');
      await featurizeLocally();
      await saveFetched('word_error.parquet', wordErrors, wordErrorRows(analysis));
    });

    const feedbackPairs = feedback?.lowRisk.length
      ? await timed('words', 'analyst feedback', async () => {
          if (analysis.feedback?.readsDayEvents) {
            await fetchFeedbackEvents(analysis, feedback, rules, fetchEvents);
            await defineInputView();
          }
          return feedbackPairsSql(engine, analysis, feedback, options);
        })
      : undefined;
    const dayRead = { run, rowsRead, invalid, invalidDir, feedback, inputPath: `clickhouse:${source}`, cluster: { shippedRows: shipped } };
    if (options.scoring === 'robust') {
      return robustRun(engine, analysis, options, progress, {
        ...dayRead,
        wordErrors,
        source: robustOnCluster({ engine, cluster, analysis, dayEvents, clean: rules.clean, words, columns, shipped, candidatesFetched: featurizeLocally }),
        // The robust feedback's rated events may be completed from the day's events (flow).
        beforeScoring: async () => {
          const addresses = options.feedback ? await robustFeedbackAddresses(analysis, options.feedback.file) : [];
          if (addresses.length) {
            await fetchEvents(`${rules.clean} AND ${chIdent(analysis.wordSlots[0].ip)} IN (${addresses.map(chString).join(', ')})`, 'spot_cluster_events', 'feedback events');
            await defineInputView();
          }
        },
      });
    }
    const slots = analysis.wordSlots;
    const pairs = slots.length === 1
      ? `SELECT ${chIdent(slots[0].ip)} AS ip, ${words[0]} AS word, count() AS n ${dayEvents} AND ${rules.clean}
         AND isNotNull(ip) AND isNotNull(word) GROUP BY ip, word`
      : d.countPerSlot(`${table}${joined}`, [
          { name: 'ip', values: slots.map((s) => chIdent(s.ip)) },
          { name: 'word', values: words },
        ], `${onDay} AND ${rules.clean}`);
    const built = await timed('words', 'words and corpus on the shards', async () => {
      const pairColumns = [{ name: 'ip', type: 'Nullable(String)' }, { name: 'wkey', type: 'Nullable(String)' }, { name: 'n', type: 'UInt64' }];
      shipped['corpus pairs'] = await fetchInto(cluster, engine, pairs, pairColumns, 'spot_pair_counts', { n: 'BIGINT' });
      return corpusFromPairCounts(engine, 'wkey', { wordErrors, featurised: Number(tally.clean) - wordErrors }, feedbackPairs);
    }, rowsRead);

    return modelAndResults(engine, analysis, options, progress, {
      ...dayRead,
      built,
      // The events that can be reported come from the shards; the embedded steps then score them locally.
      beforeScoring: async (cut, scores) => {
        const low = lowEntries(built.corpus, scores, built.dayCounts, cut, analysis.wordSlots.length, Infinity)!;
        await engine.createTable('spot_cluster_low_ids', [
          { name: 'doc', type: 'INTEGER', values: low.docs },
          { name: 'word', type: 'INTEGER', values: low.words },
        ]);
        const names = { ip: [] as string[], word: [] as string[] };
        await engine.streamColumns(
          `SELECT d.ip, v.word FROM spot_cluster_low_ids l JOIN spot_docs d ON d.id = l.doc JOIN spot_vocab v ON v.id = l.word`,
          (cols) => {
            names.ip.push(...(cols[0] as string[]));
            names.word.push(...(cols[1] as string[]));
          },
        );
        await engine.exec('DROP TABLE spot_cluster_low_ids');
        const lowName = `spot_low_${process.pid}_${Date.now()}`;
        try {
          const lowTable = await copyToEveryNode(cluster, lowName, [{ name: 'ip', type: 'Nullable(String)' }, { name: 'word', type: 'Nullable(String)' }], [names.ip, names.word]);
          const hasLowPair = analysis.wordSlots.map((s, i) => `(${chIdent(s.ip)}, ${words[i]}) IN ${lowTable}`);
          // An address absent from the model scores 0 (score.ts): such events are reportable when 0 <= cut.
          if (0 <= cut) hasLowPair.push(...analysis.wordSlots.map((s) => `isNull(${chIdent(s.ip)})`));
          await fetchEvents(`${rules.clean} AND NOT (${anyMissing}) AND (${hasLowPair.join(' OR ')})`, 'spot_cluster_events', 'candidate events');
        } finally {
          await dropFromEveryNode(cluster, lowName);
        }
        await featurizeLocally();
      },
    });
  }
}

/**
 * A lookup's table on every node: the distinct values of its column among the day's clean events come
 * from the shards, their word parts are computed here, and the (value, parts) table goes to every node.
 */
async function shipLookup(
  engine: Engine,
  cluster: ClickHouseCluster,
  options: RunOptions,
  lookup: ClusterLookup,
  name: string,
  cleanEvents: string,
  columns: readonly ClusterColumn[],
  shipped: ShippedRows,
): Promise<void> {
  const keys = lookup.columns.map((name) => columns.find((c) => c.name === name)!);
  const values = 'spot_cluster_values';
  const n = await fetchInto(cluster, engine, `SELECT DISTINCT ${keys.map((c) => chIdent(c.name)).join(', ')} ${cleanEvents}`, keys, values);
  shipped['distinct values'] = (shipped['distinct values'] ?? 0) + n;
  await engine.exec(`CREATE OR REPLACE VIEW ${values}_clean AS SELECT *, true AS spot_clean FROM ${values}`);
  const rows: string[][] = [...lookup.columns, ...lookup.parts].map(() => []);
  await engine.streamColumns(await lookup.build(engine, options, `${values}_clean`), (cols, count) => {
    for (let c = 0; c < rows.length; c++) for (let i = 0; i < count; i++) rows[c].push((cols[c] as string[])[i]);
  });
  const keyColumns = lookup.columns.map((c) => ({ name: c, type: 'Nullable(String)' }));
  await copyToEveryNode(cluster, name, [...keyColumns, ...lookup.parts.map((p) => ({ name: p, type: 'String' }))], rows);
}

/**
 * A count part: the day's count per value comes from the shards into the embedded featurize's table, and
 * the part's text per value goes back into the words' SQL as a map (ClickHouse `transform`).
 */
async function countMap(engine: Engine, cluster: ClickHouseCluster, count: ClusterCount, cleanEvents: string, shipped: ShippedRows): Promise<string> {
  const [value, n] = count.localColumns;
  const got = await fetchInto(
    cluster, engine, `SELECT ${count.value} AS v, count() AS n ${cleanEvents} GROUP BY v`,
    [{ name: value, type: 'String' }, { name: n, type: 'UInt64' }], dayCounts(count), { [n]: 'BIGINT' },
  );
  shipped['distinct values'] = (shipped['distinct values'] ?? 0) + got;
  // The embedded featurize reads the day's counts from its own table (featurizing feedback, for one).
  await engine.exec(`CREATE OR REPLACE TEMP TABLE ${count.localTable} AS SELECT * FROM ${dayCounts(count)}`);
  const keys: string[] = [];
  const texts: string[] = [];
  await engine.streamColumns(`SELECT ${sqlIdent(value)}, ${count.text(sqlIdent(n))} FROM ${dayCounts(count)}`, (cols, rows) => {
    for (let i = 0; i < rows; i++) {
      keys.push((cols[0] as string[])[i]);
      texts.push((cols[1] as string[])[i]);
    }
  });
  if (keys.length === 0) return "''";
  return `transform(${count.value}, [${keys.map(chString).join(', ')}], [${texts.map(chString).join(', ')}], '')`;
}

/** The local table of a count's values over the whole day. */
const dayCounts = (count: ClusterCount) => `spot_cluster_day_${count.localTable}`;

/** spot_row is the embedded run's file_row_number: a BIGINT. */
const SPOT_ROW = { spot_row: 'BIGINT' };

/** The type's schema columns as the cluster holds them, then spot_file and spot_row. */
async function eventColumns(cluster: ClickHouseCluster, analysis: Analysis, rules: ClusterRules): Promise<ClusterColumn[]> {
  const local = `${analysis.type}_local`;
  const types = await clusterColumns(cluster, local);
  if (types.size === 0) {
    throw new SpotError(`the cluster has no table ${cluster.database}.${local} on ${cluster.initiator.name}: load a day first (spot-ml load --analysis ${analysis.type} …)`);
  }
  const names = [...analysis.schema.map((c) => c.name), 'spot_file', 'spot_row'];
  const missing = names.filter((n) => !types.has(n));
  if (missing.length) throw new SpotError(`the table ${cluster.database}.${local} lacks the columns ${missing.join(', ')}`);
  const notInteger = rules.integerColumns.filter((n) => !/^(Nullable\()?U?Int\d+\)?$/.test(types.get(n)!));
  if (notInteger.length) {
    throw new SpotError(
      `--engine clickhouse forms ${analysis.type} words from integer columns only; ${cluster.database}.${local} has ` +
        notInteger.map((n) => `${n} ${types.get(n)}`).join(', ') + ': run this day with the embedded engine',
    );
  }
  return names.map((name) => ({ name, type: types.get(name)! }));
}

/**
 * Feedback rows may be completed from the day's events (analysis.feedback.readsDayEvents: inputRowsSql joins
 * input_view): the day's clean events of the rated events' first-slot addresses are fetched as input_view.
 */
async function fetchFeedbackEvents(
  analysis: Analysis,
  feedback: LoadedFeedback,
  rules: ClusterRules,
  fetchEvents: (where: string, into: string, stage: string) => Promise<number>,
): Promise<void> {
  const ip = analysis.wordSlots[0].ip;
  const values = [...new Set(feedback.lowRisk.map((r) => r.values[ip]?.trim()).filter((v): v is string => Boolean(v)))];
  const where = values.length ? `${rules.clean} AND ${chIdent(ip)} IN (${values.map(chString).join(', ')})` : '0';
  await fetchEvents(where, 'spot_cluster_events', 'feedback events');
}
