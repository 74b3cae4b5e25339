import { join } from 'node:path';
import type { Engine } from '../src/engine/engine.js';
import { defineSqlHelpers } from '../src/common/sql-helpers.js';
import { resolveInputFiles } from '../src/pipeline/input.js';
import { eventSlotsSql } from '../src/pipeline/corpus.js';
import { flowAnalysis } from '../src/flow/analysis.js';
import { generateFlowDay } from '../src/demo/flow-day.js';
import { flowRowsSql, withEngine, writeParquet, type FlowRow } from './helpers.js';

/** Flows at the edges of the validity and word rules: invalid rows, missing protocol, each port rule, powers of two. */
export const edgeFlows: FlowRow[] = [
  { trhour: 24 }, { trminute: null }, { sip: null }, { ipkt: -1 }, { proto: null },
  { sport: 0, dport: 0 }, { sport: 0, dport: 443 }, { sport: 5000, dport: 0 }, { sport: 80, dport: 443 },
  { sport: 2000, dport: 3000 }, { sport: 443, dport: 51000 }, { ibyt: 0 }, { ibyt: 1023 }, { ibyt: 1024 },
  { ibyt: 4294967295 }, { ibyt: 4294967296, ipkt: 1 }, { proto: 'ICMP', trhour: 0 },
];

/** A demo flow day with the edge flows in a file of their own; returns the day folder. */
export async function writeFlowDayWithEdges(root: string, date: string, rows: number, hosts: number): Promise<string> {
  const day = await withEngine((engine) => generateFlowDay(engine, { root, rows, hosts, date }));
  await writeParquet(join(day, 'edges.parquet'), flowRowsSql(edgeFlows));
  return day;
}

/** The embedded pipeline's own (ip, word) counts of a flow day: the reference any engine must match. */
export async function embeddedFlowPairs(engine: Engine, input: string): Promise<Map<string, number>> {
  await defineSqlHelpers(engine);
  await engine.attachParquet('raw_input', await resolveInputFiles(engine, input));
  await engine.exec(`CREATE OR REPLACE VIEW input_view AS
    SELECT * EXCLUDE (file_row_number), file_row_number AS spot_row, ${flowAnalysis.cleanPredicate} AS spot_clean FROM raw_input`);
  await flowAnalysis.featurize(engine, { userDomain: '' });
  const rows = await engine.rows(`SELECT ip, word, count(*) AS n FROM (${eventSlotsSql(flowAnalysis.wordSlots)})
    WHERE ip IS NOT NULL AND word IS NOT NULL GROUP BY ALL`);
  return pairMap(rows);
}

export function pairMap(rows: readonly Record<string, unknown>[]): Map<string, number> {
  return new Map(rows.map((r) => [`${r.ip}\t${r.word}`, Number(r.n)]));
}
