import { PassThrough } from 'node:stream';
import type { ClickHouseSettings } from '@clickhouse/client';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { Engine } from '../engine.js';
import type { AnalysisType } from '../../pipeline/analysis.js';
import { SpotError } from '../../common/errors.js';
import type { Progress } from '../../common/progress.js';
import { formatCount } from '../../common/progress.js';
import { chIdent, chString, type ClickHouseCluster } from './cluster.js';
import { distributedTableDdl, ensureTables, localTableDdl, type TableColumn } from './tables.js';
import { RowBinaryWriter, encodeRows, encoderFor } from './row-binary.js';

export interface DayToLoad {
  type: AnalysisType;
  /** YYYY-MM-DD */
  day: string;
  /** The table's columns (tableColumns), in order. */
  columns: readonly TableColumn[];
  /** DuckDB SQL giving those columns in that order (spot_day as days since 1970-01-01). */
  selectSql: string;
  /** Rows the select gives. */
  rows: number;
}

export interface LoadResult {
  /** Rows of the day on each node after the load, in node order. */
  perNode: number[];
  seconds: number;
}

/**
 * Puts a day into the cluster's `<type>` table, replacing that day if it was loaded before: the rows go
 * through a staging table (sharded like the real one) and, once all of them are there, each node's
 * partition for the day is swapped in (REPLACE PARTITION) or dropped where the node got none. A failed
 * load leaves the day as it was.
 */
export async function loadDay(cluster: ClickHouseCluster, duck: Engine, load: DayToLoad, progress: Progress): Promise<LoadResult> {
  const started = Date.now();
  const local = `${load.type}_local`;
  await progress.step(`tables ${cluster.database}.${load.type} and ${local} on ${cluster.nodes.length} servers`, () =>
    ensureTables(cluster, load.type, load.columns),
  );
  const staging = `${load.type}_staging_${randomBytes(4).toString('hex')}`;
  const stagingLocal = `${staging}_local`;
  try {
    await cluster.onEveryNode(() => localTableDdl(cluster.table(stagingLocal), load.columns));
    await cluster.onEveryNode(() => distributedTableDdl(cluster, cluster.table(staging), stagingLocal, load.type));
    await progress.step(
      `loading ${formatCount(load.rows)} rows`,
      () => streamInto(cluster, duck, load, cluster.table(staging)),
      load.rows,
    );
    const staged = await countPerNode(cluster, stagingLocal, load.day);
    const total = staged.reduce((a, b) => a + b, 0);
    if (total !== load.rows) {
      throw new SpotError(`the cluster received ${formatCount(total)} rows of ${formatCount(load.rows)}; the day was left as it was`, 1);
    }
    const partition = chString(load.day);
    await cluster.onEveryNode((_, i) =>
      staged[i] > 0
        ? `ALTER TABLE ${cluster.table(local)} REPLACE PARTITION ${partition} FROM ${cluster.table(stagingLocal)}`
        : `ALTER TABLE ${cluster.table(local)} DROP PARTITION ${partition}`,
    );
    return { perNode: await countPerNode(cluster, local, load.day), seconds: (Date.now() - started) / 1000 };
  } finally {
    // Best effort: a node that is down keeps its (empty or partial) staging table until it is dropped by hand.
    for (const name of [staging, stagingLocal]) {
      await cluster.onEveryNode(() => `DROP TABLE IF EXISTS ${cluster.table(name)}`).catch(() => undefined);
    }
  }
}

/**
 * The insert waits for the shards' acknowledgement (insert_distributed_sync). A shard waits for the next
 * block as long as the initiator takes to fill one from this process (a million rows: long on a busy
 * machine), so the shards' short receive timeout of other statements would cut it; the watchdog still
 * stops the load when a server falls silent.
 */
const INSERT_SETTINGS: ClickHouseSettings = { insert_distributed_sync: 1, receive_timeout: 86400, send_timeout: 86400 };

/** Streams the DuckDB select into the Distributed `table` as RowBinary, with backpressure. */
async function streamInto(cluster: ClickHouseCluster, duck: Engine, load: DayToLoad, table: string): Promise<void> {
  const encoders = load.columns.map((c) => encoderFor(c.type));
  const writer = new RowBinaryWriter();
  const body = new PassThrough({ highWaterMark: 8 << 20 });
  const insertSql = `INSERT INTO ${table} (${load.columns.map((c) => chIdent(c.name)).join(', ')}) FORMAT RowBinary`;
  const insert = cluster
    .watched((signal) => cluster.initiator.insertStream(insertSql, body, { settings: INSERT_SETTINGS, signal }))
    .finally(() => body.destroy());
  const produce = duck
    .streamColumns(load.selectSql, async (columns, rowCount) => {
      if (body.destroyed) throw new Error('the insert stopped');
      encodeRows(writer, encoders, columns, rowCount);
      if (!body.write(writer.take())) await Promise.race([once(body, 'drain'), once(body, 'close')]);
    })
    .then(
      () => void body.end(),
      (err) => {
        body.destroy();
        throw err;
      },
    );
  // The insert's error (naming the server) explains a stopped producer better than the producer's own.
  const [inserted, produced] = await Promise.allSettled([insert, produce]);
  if (inserted.status === 'rejected') throw inserted.reason;
  if (produced.status === 'rejected') throw produced.reason;
}

async function countPerNode(cluster: ClickHouseCluster, table: string, day: string): Promise<number[]> {
  const counts: number[] = [];
  for (const node of cluster.nodes) {
    const sql = `SELECT count() AS n FROM ${cluster.table(table)} WHERE spot_day = ${chString(day)}`;
    const [{ n }] = await cluster.watched((signal) => node.rows<{ n: string }>(sql, { signal }));
    counts.push(Number(n));
  }
  return counts;
}
