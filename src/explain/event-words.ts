import { sqlIdent, sqlString, type Engine } from '../engine/engine.js';
import { defineSqlHelpers } from '../common/sql-helpers.js';
import { analysisFor } from '../pipeline/analyses.js';
import type { AnalysisOptions } from '../pipeline/analysis.js';
import type { RunTables } from './run-tables.js';
import { settingOf } from './run-files.js';
import { ipRow, pairsOfIpSql } from './corpus-pairs.js';

const duckType = { string: 'VARCHAR', int: 'INTEGER', long: 'BIGINT', double: 'DOUBLE' } as const;

/** One (document, word) of an event: the IP its word went to, and which side of the event that is. */
export interface EventSlot {
  side: 'source' | 'destination' | 'client';
  ip: string;
  word: string | null;
}

/** The options the run was made with, as far as the words need them (recorded settings, else the defaults). */
export function runWordOptions(tables: RunTables): AnalysisOptions {
  const userDomain = settingOf(tables.run, 'userdomain', 'userDomain');
  const topDomains = settingOf(tables.run, 'top-domains', 'topDomains');
  return {
    userDomain: typeof userDomain === 'string' ? userDomain : '',
    topDomainsFile: typeof topDomains === 'string' ? topDomains : undefined,
  };
}

/**
 * The words of some reported events (by rank), formed by the analysis' own featurize over those rows, so
 * each gets exactly the word the run gave it. Proxy results carry their word (its user-agent counts are
 * day-wide), so it is read from the row.
 */
export async function eventSlots(engine: Engine, tables: RunTables, ranks: readonly number[]): Promise<Map<number, EventSlot[]>> {
  const out = new Map<number, EventSlot[]>();
  if (ranks.length === 0) return out;
  const analysis = analysisFor(tables.run.type);
  const rankList = ranks.map((r) => String(Math.floor(r))).join(', ');
  if (tables.run.type === 'proxy') {
    const rows = await engine.rows(`SELECT rank, clientip, word FROM ${tables.ranked()} WHERE rank IN (${rankList})`);
    for (const r of rows) out.set(Number(r.rank), [{ side: 'client', ip: String(r.clientip), word: r.word === null ? null : String(r.word) }]);
    return out;
  }
  await defineSqlHelpers(engine);
  const cols = analysis.schema.map((c) => `TRY_CAST(${sqlIdent(c.name)} AS ${duckType[c.kind]}) AS ${sqlIdent(c.name)}`);
  await engine.exec(`
    CREATE OR REPLACE TABLE spot_explain_input AS
    SELECT ${cols.join(', ')}, 'results' AS spot_file, rank AS spot_row FROM ${tables.ranked()} WHERE rank IN (${rankList})`);
  await engine.exec(`CREATE OR REPLACE TABLE spot_explain_clean AS SELECT *, ${analysis.cleanPredicate} AS spot_clean FROM spot_explain_input`);
  await analysis.featurize(engine, runWordOptions(tables), { input: 'spot_explain_clean', output: 'spot_explain_featured' });
  const slots = analysis.wordSlots;
  const sides: EventSlot['side'][] = slots.length === 2 ? ['source', 'destination'] : ['client'];
  const select = slots.map((s, i) => `${s.ip} AS ip${i}, ${s.word} AS w${i}`).join(', ');
  const rows = await engine.rows(`SELECT spot_row AS rank, ${select} FROM spot_explain_featured`);
  for (const r of rows) {
    out.set(
      Number(r.rank),
      slots.map((_, i) => ({ side: sides[i], ip: String(r[`ip${i}`]), word: r[`w${i}`] === null ? null : String(r[`w${i}`]) })),
    );
  }
  await engine.exec('DROP TABLE spot_explain_input; DROP TABLE spot_explain_clean;');
  await dnsClassFallback(engine, tables, out);
  return out;
}

/**
 * A DNS word's first part is the domain class, which depends on the run's user domain and top-domains
 * list. A run that recorded no settings is read with the defaults; when that word is not the IP's in the
 * corpus, the class under which it is (the run's own word) is taken instead.
 */
async function dnsClassFallback(engine: Engine, tables: RunTables, slots: Map<number, EventSlot[]>): Promise<void> {
  if (tables.run.type !== 'dns') return;
  for (const list of slots.values()) {
    for (const s of list) {
      if (!s.word) continue;
      const rest = s.word.slice(s.word.indexOf('_'));
      const candidates = ['0', '1', '2'].map((c) => c + rest);
      const doc = await ipRow(engine, tables.run, s.ip).catch(() => undefined);
      if (!doc) continue;
      const rows = await engine.rows(
        `SELECT word FROM ${pairsOfIpSql(tables.run, doc.id)} WHERE word IN (${candidates.map(sqlString).join(', ')})`,
      ).catch(() => []);
      const found = rows.map((r) => String(r.word));
      if (found.length > 0 && !found.includes(s.word)) s.word = found[0];
    }
  }
}
