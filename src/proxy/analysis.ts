import type { Engine } from '../engine/engine.js';
import type { Analysis, AnalysisOptions } from '../pipeline/analysis.js';
import { tabulateDistinct } from '../pipeline/distinct-features.js';
import { loadTopDomains } from '../common/top-domains.js';
import { proxyResultColumns, proxySchema } from './schema.js';
import { proxyCleanPredicate, proxyFills } from './validity.js';
import { proxyHostFeatureValues, proxyHostFeatures, proxyUriFeatureValues, proxyUriFeatures, proxyWord } from './words.js';

export const proxyAnalysis: Analysis = {
  type: 'proxy',
  schema: proxySchema,
  resultColumns: proxyResultColumns,
  cleanPredicate: proxyCleanPredicate,
  wordSlots: [{ ip: 'clientip', word: 'spot_word' }],
  async featurize(engine: Engine, options: AnalysisOptions): Promise<void> {
    const topDomains = await loadTopDomains(options.topDomainsFile);
    await tabulateDistinct(engine, {
      table: 'spot_proxy_hosts',
      valuesSql: 'SELECT DISTINCT host FROM input_view WHERE spot_clean',
      key: 'spot_host',
      features: proxyHostFeatures,
      compute: (host) => proxyHostFeatureValues(host, options.userDomain, topDomains),
    });
    await tabulateDistinct(engine, {
      table: 'spot_proxy_uris',
      valuesSql: 'SELECT DISTINCT fulluri FROM input_view WHERE spot_clean',
      key: 'spot_uri',
      features: proxyUriFeatures,
      compute: proxyUriFeatureValues,
    });
    // The input may carry a `word` column of its own (e.g. Spot's scored output): ours replaces it.
    const hasWord = (await engine.describe('input_view')).some((c) => c.name === 'word');
    await engine.exec(`
      CREATE OR REPLACE VIEW featured_view AS
      WITH filled AS (SELECT * REPLACE (${proxyFills}) FROM input_view),
      agents AS (
        SELECT useragent AS spot_agent, count(*) AS spot_agent_count FROM filled WHERE spot_clean GROUP BY useragent
      ),
      worded AS (
        SELECT i.*, CASE WHEN i.spot_clean THEN ${proxyWord} END AS spot_word
        FROM filled i
        LEFT JOIN spot_proxy_hosts h ON h.spot_host = i.host
        LEFT JOIN spot_proxy_uris u ON u.spot_uri = i.fulluri
        LEFT JOIN agents a ON a.spot_agent = i.useragent
      )
      SELECT * ${hasWord ? 'EXCLUDE (word)' : ''}, spot_word AS word FROM worded`);
  },
};
