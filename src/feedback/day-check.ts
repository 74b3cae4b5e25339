import { DuckDbEngine } from '../engine/duckdb.js';
import { sqlIdent, sqlString } from '../engine/engine.js';
import { defineSqlHelpers } from '../common/sql-helpers.js';
import type { Progress } from '../common/progress.js';
import type { AnalysisType } from '../pipeline/analysis.js';
import { analysisFor } from '../pipeline/analyses.js';
import { resolveInputFiles } from '../pipeline/input.js';
import { attachInput } from '../pipeline/run.js';

type Values = Readonly<Record<string, string | undefined>>;

/** How a rated event is found among the day's clean records: the fields that identify it, as SQL over `d`. */
const IDENTITY: Record<AnalysisType, { describe: string; where(v: Values): string[] }> = {
  flow: {
    // As the analysis matches a flow without a protocol: addresses, ports, hour, and the two counts in
    // either order (Spot's front end swapped them).
    describe: 'sip, dip, sport, dport, hour, ipkt and ibyt',
    where: (v) => [
      eq('sip', v.sip),
      eq('dip', v.dip),
      num('sport', v.sport),
      num('dport', v.dport),
      `d.trhour = ${Number(/[ T](\d{1,2}):/.exec(v.tstart ?? '')?.[1])}`,
      `((${num('ipkt', v.ipkt)} AND ${num('ibyt', v.ibyt)}) OR (${num('ipkt', v.ibyt)} AND ${num('ibyt', v.ipkt)}))`,
      ...(v.proto?.trim() ? [eq('proto', v.proto)] : []),
    ],
  },
  dns: {
    describe: 'ip_dst, dns_qry_name, unix_tstamp and frame_len',
    where: (v) => [eq('ip_dst', v.ip_dst), eq('dns_qry_name', v.dns_qry_name), num('unix_tstamp', v.unix_tstamp), num('frame_len', v.frame_len)],
  },
  proxy: {
    describe: 'p_date, p_time, clientip, host and fulluri',
    where: (v) => [eq('p_date', v.p_date), eq('p_time', v.p_time), eq('clientip', v.clientip), eq('host', v.host), eq('fulluri', v.fulluri)],
  },
};

function eq(column: string, value: string | undefined): string {
  return `d.${sqlIdent(column)} = ${sqlString((value ?? '').trim())}`;
}

function num(column: string, value: string | undefined): string {
  return `d.${sqlIdent(column)} = ${Number((value ?? '').trim())}`;
}

export interface DayMatch {
  /** Clean records of the day that are this event. */
  matches: number;
  /** What was compared, for the warning. */
  compared: string;
}

/**
 * Looks for a rated event among the clean records of its day (`input`: a Parquet file, folder or glob, as
 * the analysis reads it). The values have been checked (checkRow) before.
 */
export async function matchEventInDay(type: AnalysisType, input: string, values: Values, progress: Progress): Promise<DayMatch> {
  const analysis = analysisFor(type);
  const identity = IDENTITY[type];
  const engine = await DuckDbEngine.open();
  try {
    await defineSqlHelpers(engine);
    progress.follow(() => engine.queryProgress());
    const files = await resolveInputFiles(engine, input);
    const matches = await progress.step(`looking for the event in ${input}`, async () => {
      await attachInput(engine, analysis, files, input);
      const [{ n }] = await engine.rows(`SELECT count(*) AS n FROM input_view d WHERE d.spot_clean AND ${identity.where(values).join(' AND ')}`);
      return Number(n);
    });
    return { matches, compared: identity.describe };
  } finally {
    await engine.close();
  }
}
