import { mkdir, rm } from 'node:fs/promises';
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
  return day;
}
