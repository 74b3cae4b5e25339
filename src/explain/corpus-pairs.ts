import { join } from 'node:path';
import { sqlString, type Engine } from '../engine/engine.js';
import type { ScoredRun } from './run-files.js';
import { DOCUMENT_TOPICS_FILE, WORD_TOPICS_FILE } from '../output/model.js';

/**
 * corpus.parquet holds (doc, word, count, score) by ids (output/corpus.ts): an IP's id is its row in
 * model/document_topics.parquet, a word's its row in model/word_topics.parquet. These read an IP's or a
 * word's model row with its id, and the day's pairs by names.
 */
const documentTopicsFile = (run: ScoredRun) => join(run.modelDir, DOCUMENT_TOPICS_FILE);
const wordTopicsFile = (run: ScoredRun) => join(run.modelDir, WORD_TOPICS_FILE);

export interface ModelRow {
  /** The id corpus.parquet knows the IP or word by. */
  id: number;
  /** θ of the IP or φ of the word, per topic. */
  topics: number[];
}

/** The IP's row of the model (its id and θ), or undefined when the model has no such IP. */
export function ipRow(engine: Engine, run: ScoredRun, ip: string): Promise<ModelRow | undefined> {
  return modelRow(engine, documentTopicsFile(run), 'document_name', 'topic_prob_mix', ip);
}

/** The word's row of the model (its id and φ), or undefined when the model has no such word. */
export function wordRow(engine: Engine, run: ScoredRun, word: string): Promise<ModelRow | undefined> {
  return modelRow(engine, wordTopicsFile(run), 'word_name', 'topic_probs', word);
}

async function modelRow(engine: Engine, file: string, nameColumn: string, topicsColumn: string, name: string): Promise<ModelRow | undefined> {
  const [r] = await engine.rows(
    `SELECT file_row_number AS id, ${topicsColumn} AS v FROM read_parquet(${sqlString(file)}, file_row_number = true)
     WHERE ${nameColumn} = ${sqlString(name)} LIMIT 1`,
  );
  if (!r) return undefined;
  return { id: Number(r.id), topics: Array.isArray(r.v) ? r.v.map(Number) : [] };
}

/**
 * SQL relation (word, count, score): the day's pairs of the IP with model id `doc`, the word by name. The
 * file is in (doc, word) order, so the filter reads only the row groups holding the IP.
 */
export function pairsOfIpSql(run: ScoredRun, doc: number): string {
  return `(SELECT w.word_name AS word, c.count, c.score
    FROM (SELECT word, count, score FROM read_parquet(${sqlString(run.corpusFile)}) WHERE doc = ${Math.trunc(doc)}) c
    JOIN (SELECT file_row_number AS id, word_name FROM read_parquet(${sqlString(wordTopicsFile(run))}, file_row_number = true)) w
      ON w.id = c.word)`;
}
