import type { Engine } from '../engine/engine.js';
import { DAY_RELATIONS, type Analysis, type AnalysisOptions, type FeaturizeRelations } from '../pipeline/analysis.js';
import { sameNameInputRows } from '../feedback/input-rows.js';
import { proxyFeedbackLayout } from './feedback.js';
import { featureTable } from '../pipeline/distinct-features.js';
import { topDomainsOf } from '../common/top-domains.js';
import { proxyResultColumns, proxySchema } from './schema.js';
import { proxyCleanPredicate, proxyFills } from './validity.js';
import { proxyHostFeatureValues, proxyHostFeatures, proxyUriFeatureValues, proxyUriFeatures, proxyWord } from './words.js';

export const proxyAnalysis: Analysis = {
  type: 'proxy',
  schema: proxySchema,
  resultColumns: proxyResultColumns,
  cleanPredicate: proxyCleanPredicate,
  wordSlots: [{ ip: 'clientip', word: 'spot_word' }],
  async featurize(engine: Engine, options: AnalysisOptions, relations = DAY_RELATIONS): Promise<void> {
    const { input, output } = relations;
    const { hosts, uris } = await proxyFeatureTables(engine, options, relations);
    // User-agent counts are over the day's requests whatever rows are featurised (SPEC §5): one table per run.
    const agentsTable = PROXY_AGENTS_TABLE;
    await engine.exec(`
      CREATE ${output === DAY_RELATIONS.output ? 'OR REPLACE TEMP TABLE' : 'TEMP TABLE IF NOT EXISTS'} ${agentsTable} AS
      SELECT useragent AS spot_agent, count(*) AS spot_agent_count
      FROM (SELECT * REPLACE (${proxyFills}) FROM input_view) WHERE spot_clean GROUP BY useragent`);
    // The input may carry a `word` column of its own (e.g. Spot's scored output): ours replaces it.
    const hasWord = (await engine.describe(input)).some((c) => c.name === 'word');
    await engine.exec(`
      CREATE OR REPLACE VIEW ${output} AS
      WITH filled AS (SELECT * REPLACE (${proxyFills}) FROM ${input}),
      worded AS (
        SELECT i.*, CASE WHEN i.spot_clean THEN ${proxyWord} END AS spot_word
        FROM filled i
        LEFT JOIN ${hosts} h ON h.spot_host = i.host
        LEFT JOIN ${uris} u ON u.spot_uri = i.fulluri
        LEFT JOIN ${agentsTable} a ON a.spot_agent = i.useragent
      )
      SELECT * ${hasWord ? 'EXCLUDE (word)' : ''}, spot_word AS word FROM worded`);
  },
  feedback: {
    layout: proxyFeedbackLayout,
    inputRowsSql: sameNameInputRows(proxySchema, proxyFeedbackLayout),
    unmatchedReason: 'no proxy record could be formed from this line',
  },
};

/** The table of the day's requests per user agent (spot_agent, spot_agent_count) the words read. */
export const PROXY_AGENTS_TABLE = 'spot_proxy_agents';

/** The tables of per-host (spot_host, spot_host_class) and per-URI (spot_uri, proxyUriFeatures) features of `relations.input`. */
export async function proxyFeatureTables(engine: Engine, options: AnalysisOptions, relations: FeaturizeRelations): Promise<{ hosts: string; uris: string }> {
  const topDomains = await topDomainsOf(options.topDomainsFile);
  const hosts = await featureTable(engine, 'proxy_hosts', relations, {
    column: 'host',
    key: 'spot_host',
    features: proxyHostFeatures,
    compute: (host) => proxyHostFeatureValues(host, options.userDomain, topDomains),
  });
  const uris = await featureTable(engine, 'proxy_uris', relations, {
    column: 'fulluri',
    key: 'spot_uri',
    features: proxyUriFeatures,
    compute: proxyUriFeatureValues,
  });
  return { hosts, uris };
}
