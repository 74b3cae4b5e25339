import type { Engine } from '../engine/engine.js';
import { DAY_RELATIONS, type Analysis } from '../pipeline/analysis.js';
import { flowFeedback } from './feedback.js';
import { flowResultColumns, flowSchema } from './schema.js';
import { flowCleanPredicate } from './validity.js';
import { flowDestinationWordFromParts, flowSourceWordFromParts, flowWordPartsSql } from './words.js';

export const flowAnalysis: Analysis = {
  type: 'flow',
  schema: flowSchema,
  resultColumns: flowResultColumns,
  cleanPredicate: flowCleanPredicate,
  wordSlots: [
    { ip: 'sip', word: 'spot_word_src' },
    { ip: 'dip', word: 'spot_word_dst' },
  ],
  feedback: flowFeedback,
  async featurize(engine: Engine, _options, relations = DAY_RELATIONS): Promise<void> {
    // The rule, port and tail are computed once per event, in an inner projection, and shared by both words.
    await engine.exec(`
      CREATE OR REPLACE VIEW ${relations.output} AS
      SELECT * EXCLUDE (spot_flow_rule, spot_flow_port, spot_flow_tail),
        CASE WHEN spot_clean THEN ${flowSourceWordFromParts} END AS spot_word_src,
        CASE WHEN spot_clean THEN ${flowDestinationWordFromParts} END AS spot_word_dst
      FROM (SELECT *, ${flowWordPartsSql} FROM ${relations.input})`);
  },
};
