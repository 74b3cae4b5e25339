import type { Engine } from '../engine/engine.js';
import type { Analysis, AnalysisOptions } from '../pipeline/analysis.js';
import { tabulateDistinct } from '../pipeline/distinct-features.js';
import { loadTopDomains } from '../common/top-domains.js';
import { dnsResultColumns, dnsSchema } from './schema.js';
import { dnsCleanPredicate, dnsFills } from './validity.js';
import { dnsNameFeatures, dnsNameFeatureValues, dnsWord } from './words.js';

export const dnsAnalysis: Analysis = {
  type: 'dns',
  schema: dnsSchema,
  resultColumns: dnsResultColumns,
  cleanPredicate: dnsCleanPredicate,
  wordSlots: [{ ip: 'ip_dst', word: 'spot_word' }],
  async featurize(engine: Engine, options: AnalysisOptions): Promise<void> {
    const topDomains = await loadTopDomains(options.topDomainsFile);
    await tabulateDistinct(engine, {
      table: 'spot_dns_names',
      valuesSql: 'SELECT DISTINCT dns_qry_name FROM input_view WHERE spot_clean',
      key: 'spot_qry_name',
      features: dnsNameFeatures,
      compute: (name) => dnsNameFeatureValues(name, options.userDomain, topDomains),
    });
    await engine.exec(`
      CREATE OR REPLACE VIEW featured_view AS
      SELECT i.*, CASE WHEN i.spot_clean THEN ${dnsWord} END AS spot_word
      FROM (SELECT * REPLACE (${dnsFills}) FROM input_view) i
      LEFT JOIN spot_dns_names n ON n.spot_qry_name = i.dns_qry_name`);
  },
};
