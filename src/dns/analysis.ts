import type { Engine } from '../engine/engine.js';
import { DAY_RELATIONS, type Analysis, type AnalysisOptions, type FeaturizeRelations, type WordKeys } from '../pipeline/analysis.js';
import { sameNameInputRows } from '../feedback/input-rows.js';
import { dnsFeedbackLayout } from './feedback.js';
import { featureTable } from '../pipeline/distinct-features.js';
import { topDomainsOf } from '../common/top-domains.js';
import { dnsResultColumns, dnsSchema } from './schema.js';
import { dnsCleanPredicate, dnsFills } from './validity.js';
import { dnsHourToken, dnsNameFeatures, dnsNameFeatureValues, dnsWord, dnsWordKey, dnsWordOfKey } from './words.js';
import { integerColumns } from '../common/column-types.js';

export const dnsAnalysis: Analysis = {
  type: 'dns',
  schema: dnsSchema,
  resultColumns: dnsResultColumns,
  cleanPredicate: dnsCleanPredicate,
  wordSlots: [{ ip: 'ip_dst', word: 'spot_word' }],
  async featurize(engine: Engine, options: AnalysisOptions, relations = DAY_RELATIONS): Promise<WordKeys | void> {
    const { input, output } = relations;
    const names = await dnsNameTable(engine, options, relations);
    // Words can be counted by integer keys when type and rcode have at most 32 bits and the length is an integer.
    const keyed =
      output === DAY_RELATIONS.output &&
      (await integerColumns(engine, input, { small: ['dns_qry_type', 'dns_qry_rcode'], any: ['frame_len'] }));
    await engine.exec(`
      CREATE OR REPLACE VIEW ${output} AS
      SELECT i.* EXCLUDE (spot_hour_token), CASE WHEN i.spot_clean THEN ${dnsWord} END AS spot_word
        ${keyed ? `, CASE WHEN i.spot_clean THEN ${dnsWordKey} END AS spot_word_key` : ''}
      FROM (SELECT * REPLACE (${dnsFills}), ${dnsHourToken} AS spot_hour_token FROM ${input}) i
      LEFT JOIN ${names} n ON n.spot_qry_name = i.dns_qry_name`);
    if (keyed) return { keys: ['spot_word_key'], wordOfKey: dnsWordOfKey };
  },
  feedback: {
    layout: dnsFeedbackLayout,
    inputRowsSql: sameNameInputRows(dnsSchema, dnsFeedbackLayout),
    unmatchedReason: 'no DNS record could be formed from this line',
  },
};

/** The table of per-name features (spot_qry_name, dnsNameFeatures) of the names of `relations.input`. */
export async function dnsNameTable(engine: Engine, options: AnalysisOptions, relations: FeaturizeRelations): Promise<string> {
  const topDomains = await topDomainsOf(options.topDomainsFile);
  return featureTable(engine, 'dns_names', relations, {
    column: 'dns_qry_name',
    key: 'spot_qry_name',
    features: dnsNameFeatures,
    compute: (name) => dnsNameFeatureValues(name, options.userDomain, topDomains),
  });
}
