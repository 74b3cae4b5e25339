import type { Engine } from '../engine/engine.js';
import { DAY_RELATIONS, type Analysis, type WordKeys } from '../pipeline/analysis.js';
import { integerColumns } from '../common/column-types.js';
import { flowFeedback } from './feedback.js';
import { flowResultColumns, flowSchema } from './schema.js';
import { flowCleanPredicate } from './validity.js';
import { MAX_KEYED_PROTOS, flowWordOfKey, withFlowWords } from './words.js';

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
  async featurize(engine: Engine, _options, relations = DAY_RELATIONS): Promise<WordKeys | void> {
    const protos = relations.output === DAY_RELATIONS.output ? await keyedProtos(engine, relations.input) : undefined;
    await engine.exec(`CREATE OR REPLACE VIEW ${relations.output} AS ${withFlowWords(relations.input, 'spot_clean', protos)}`);
    if (protos) return { keys: ['spot_key_src', 'spot_key_dst'], wordOfKey: (key) => flowWordOfKey(key, protos), partition: 'trhour' };
  },
};

/**
 * The day's protocols when its words can be packed in integer keys (flowWordOfKey): ports and hours of at
 * most 32 bits, integer counters and few protocols; undefined otherwise (words are then counted as text).
 */
async function keyedProtos(engine: Engine, input: string): Promise<string[] | undefined> {
  if (!(await integerColumns(engine, input, { small: ['sport', 'dport', 'trhour'], any: ['ibyt', 'ipkt'] }))) return undefined;
  const rows = await engine.rows(`SELECT DISTINCT proto FROM ${input} WHERE proto IS NOT NULL LIMIT ${MAX_KEYED_PROTOS + 1}`);
  return rows.length <= MAX_KEYED_PROTOS ? rows.map((r) => String(r.proto)).sort() : undefined;
}
