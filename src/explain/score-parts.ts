import { sqlString, type Engine } from '../engine/engine.js';
import type { ScoredRun } from './run-files.js';
import { ipRow, wordRow } from './corpus-pairs.js';

export interface TopicShare {
  topic: number;
  /** θ: P(topic | IP). */
  theta: number;
  /** φ: P(word | topic). */
  phi: number;
  /** θ·φ: this topic's part of the score. */
  product: number;
}

/** The score of one (IP, word) pair taken apart (SPEC §8: score = Σ_k θ[ip][k] · φ[k][word]). */
export interface ScoreParts {
  ip: string;
  word: string;
  /** Σ θ·φ; 0 when the IP or the word is not in the model. */
  score: number;
  inModel: { ip: boolean; word: boolean };
  /** The IP's topic mix, every topic. */
  theta: number[];
  /** Topics by their part of the score, largest first, and the IP's largest topics when they differ (at most `topN` of each). */
  topics: TopicShare[];
  /** The IP's topics by θ, largest first (at most topN). */
  ipTopics: TopicShare[];
  /** Events of the day in which this IP had this word. */
  ipWordCount: number;
  /** All the IP's event slots of the day. */
  ipEvents: number;
  /** Distinct IPs that had this word that day. */
  ipsWithWord: number;
  /** Event slots of the day with this word, all IPs. */
  wordEvents: number;
}

/** Reads θ of the IP, φ of the word and the day's counts from the run's Parquet files (filtered scans, nothing whole in memory). */
export async function scoreParts(engine: Engine, run: ScoredRun, ip: string, word: string, topN = 5): Promise<ScoreParts> {
  const ipModel = await ipRow(engine, run, ip);
  const wordModel = await wordRow(engine, run, word);
  // corpus.parquet knows IPs and words by their model ids; one absent from the model has no pair.
  const doc = ipModel?.id ?? -1;
  const w = wordModel?.id ?? -1;
  const [c] = await engine
    .rows(
      `SELECT
        coalesce(sum(count) FILTER (WHERE doc = ${doc} AND word = ${w}), 0) AS ip_word,
        coalesce(sum(count) FILTER (WHERE doc = ${doc}), 0) AS ip_events,
        count(DISTINCT doc) FILTER (WHERE word = ${w}) AS ips,
        coalesce(sum(count) FILTER (WHERE word = ${w}), 0) AS word_events
      FROM read_parquet(${sqlString(run.corpusFile)}) WHERE doc = ${doc} OR word = ${w}`,
    )
    .catch(() => [{ ip_word: 0, ip_events: 0, ips: 0, word_events: 0 }]);
  const theta = ipModel?.topics ?? [];
  const phi = wordModel?.topics ?? [];
  const k = Math.max(theta.length, phi.length);
  const shares: TopicShare[] = Array.from({ length: k }, (_, topic) => {
    const th = theta[topic] ?? 0;
    const ph = phi[topic] ?? 0;
    return { topic, theta: th, phi: ph, product: th * ph };
  });
  const score = theta.length && phi.length ? shares.reduce((s, x) => s + x.product, 0) : 0;
  return {
    ip,
    word,
    score,
    inModel: { ip: theta.length > 0, word: phi.length > 0 },
    theta,
    topics: [...shares].sort((a, b) => b.product - a.product).slice(0, topN),
    ipTopics: [...shares].sort((a, b) => b.theta - a.theta).slice(0, topN),
    ipWordCount: Number(c.ip_word),
    ipEvents: Number(c.ip_events),
    ipsWithWord: Number(c.ips),
    wordEvents: Number(c.word_events),
  };
}
