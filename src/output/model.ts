import { join } from 'node:path';
import type { ColumnData, Engine } from '../engine/engine.js';
import type { LdaModel } from '../lda/types.js';
import { writeAtomically } from './atomic.js';
import { hugeArray } from '../lda/huge-arrays.js';

export const DOCUMENT_TOPICS_FILE = 'document_topics.parquet';
export const WORD_TOPICS_FILE = 'word_topics.parquet';

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
  await engine.createTable('spot_theta', topicColumns(model.theta, model.numDocs, model.k));
  await engine.createTable('spot_phi', topicColumns(model.phi, model.numWords, model.k));
  const list = `[${Array.from({ length: model.k }, (_, t) => `t${t}`).join(', ')}]`;
  await writeAtomically(join(modelDir, DOCUMENT_TOPICS_FILE), (tmp) =>
    engine.writeParquet(
      `SELECT d.name AS document_name, ${list} AS topic_prob_mix FROM spot_theta t JOIN (${docsSql}) d USING (id) ORDER BY t.id`,
      tmp,
    ),
  );
  await writeAtomically(join(modelDir, WORD_TOPICS_FILE), (tmp) =>
    engine.writeParquet(
      `SELECT w.name AS word_name, ${list} AS topic_probs FROM spot_phi p JOIN (${vocabSql}) w USING (id) ORDER BY p.id`,
      tmp,
    ),
  );
  await engine.exec('DROP TABLE spot_theta; DROP TABLE spot_phi;');
}

/** id plus one DOUBLE column t<j> per topic, from a row-major rows × k matrix (columns are cheap to hand over; lists are not). */
function topicColumns(matrix: Float64Array | Float32Array, rows: number, k: number): ColumnData[] {
  const columns: ColumnData[] = [{ name: 'id', type: 'INTEGER', values: sequence(rows) }];
  // One allocation (on huge pages when large) for every topic's column, each column a view of it.
  const all = hugeArray(Float64Array, rows * k);
  for (let t = 0; t < k; t++) {
    const values = all.subarray(t * rows, (t + 1) * rows);
    for (let r = 0; r < rows; r++) values[r] = matrix[r * k + t];
    columns.push({ name: `t${t}`, type: 'DOUBLE', values });
  }
  return columns;
}

function sequence(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
