import { join } from 'node:path';
import type { Engine } from '../engine/engine.js';
import type { LdaModel } from '../lda/types.js';
import { writeAtomically } from './atomic.js';

/**
 * Saves the fitted model as Parquet: document_topics.parquet (document_name, topic_prob_mix = θ) and
 * word_topics.parquet (word_name, topic_probs = P(word | topic k) for each k). Names come from the
 * engine tables `docsTable(name, id)` and `vocabTable(name, id)`.
 */
export async function writeModel(
  engine: Engine,
  model: LdaModel,
  modelDir: string,
  docsSql: string,
  vocabSql: string,
): Promise<void> {
  await engine.createTable('spot_theta', [
    { name: 'id', type: 'INTEGER', values: sequence(model.numDocs) },
    { name: 'mix', type: 'DOUBLE[]', width: model.k, values: model.theta },
  ]);
  await engine.createTable('spot_phi', [
    { name: 'id', type: 'INTEGER', values: sequence(model.numWords) },
    { name: 'probs', type: 'DOUBLE[]', width: model.k, values: model.phi },
  ]);
  await writeAtomically(join(modelDir, 'document_topics.parquet'), (tmp) =>
    engine.writeParquet(
      `SELECT d.name AS document_name, t.mix AS topic_prob_mix FROM spot_theta t JOIN (${docsSql}) d USING (id) ORDER BY t.id`,
      tmp,
    ),
  );
  await writeAtomically(join(modelDir, 'word_topics.parquet'), (tmp) =>
    engine.writeParquet(
      `SELECT w.name AS word_name, p.probs AS topic_probs FROM spot_phi p JOIN (${vocabSql}) w USING (id) ORDER BY p.id`,
      tmp,
    ),
  );
  await engine.exec('DROP TABLE spot_theta; DROP TABLE spot_phi;');
}

function sequence(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
