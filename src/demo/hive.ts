import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { sqlString } from '../engine/engine.js';

export interface DayOptions {
  /** Spot's HUSER-like root: the day lands in <root>/<type>/hive/y=YYYY/m=MM/d=DD/h=HH/. */
  root: string;
  rows: number;
  hosts: number;
  /** YYYYMMDD */
  date: string;
}

export function dateParts(date: string): { yr: string; mh: string; dy: string } {
  return { yr: date.slice(0, 4), mh: date.slice(4, 6), dy: date.slice(6, 8) };
}

/**
 * Writes a generated day in Spot's Hive layout, one folder per hour. `rowsSql` yields the table's
 * columns plus `spot_hour` (0..23), which becomes the h= partition. Returns the day's folder.
 */
export async function writeHiveDay(engine: Engine, type: string, o: DayOptions, rowsSql: string): Promise<string> {
  const { yr, mh, dy } = dateParts(o.date);
  const hive = join(o.root, type, 'hive');
  const day = join(hive, `y=${yr}`, `m=${mh}`, `d=${dy}`);
  await rm(day, { recursive: true, force: true });
  await mkdir(hive, { recursive: true });
  await engine.exec(`
    COPY (
      SELECT * EXCLUDE (spot_hour), '${yr}' AS y, '${mh}' AS m, '${dy}' AS d, lpad(CAST(spot_hour AS VARCHAR), 2, '0') AS h
      FROM (${rowsSql})
    ) TO ${sqlString(hive)} (FORMAT parquet, PARTITION_BY (y, m, d, h), OVERWRITE_OR_IGNORE true, COMPRESSION zstd)`);
  const own = `.spot-demo-rows-${process.pid}-`;
  for (const f of await readdir(o.root)) if (f.startsWith(own)) await rm(join(o.root, f), { force: true });
  return day;
}

/**
 * The row numbers 0..rows-1 for a generator to read instead of `range(rows)`: DuckDB reports no progress
 * for `range`, but does for a Parquet scan, by row group; small row groups make generating a day show a
 * moving bar. The file is written beside the day's folder and removed by writeHiveDay.
 */
export async function rowNumbers(engine: Engine, root: string, rows: number): Promise<string> {
  const file = join(root, `.spot-demo-rows-${process.pid}-${rows}.parquet`);
  await mkdir(root, { recursive: true });
  await engine.exec(`COPY (SELECT range AS i FROM range(${rows})) TO ${sqlString(file)} (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
  return `read_parquet(${sqlString(file)})`;
}
