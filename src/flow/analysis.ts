import type { Engine } from '../engine/engine.js';
import { DAY_RELATIONS, type Analysis } from '../pipeline/analysis.js';
import { flowFeedback } from './feedback.js';
import { flowResultColumns, flowSchema } from './schema.js';
import { flowCleanPredicate } from './validity.js';
import { withFlowWords } from './words.js';

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
    await engine.exec(`CREATE OR REPLACE VIEW ${relations.output} AS ${withFlowWords(relations.input, 'spot_clean')}`);
  },
};
