export interface Labelled { label: string; value: string }
export interface EventRow {
  rank: number;
  score: number;
  percentile: number | null;
  rating: number | null;
  allowlisted?: boolean;
  fields: Record<string, string | null>;
  labelled: Labelled[];
}
export interface EventsPage { day: string; type: string; columns: string[]; total: number; hidden: number; offset: number; limit: number; rows: EventRow[] }
export interface WordPart { part: string; value: string; meaning: string }
export interface TopicShare { topic: number; theta: number; phi: number; product: number }
export interface ScoreParts {
  ip: string; word: string; score: number; inModel: { ip: boolean; word: boolean }; theta: number[];
  topics: TopicShare[]; ipTopics: TopicShare[]; ipWordCount: number; ipEvents: number; ipsWithWord: number; wordEvents: number;
}
export interface Slot { side: string; ip: string; word: string | null; parts: WordPart[]; breakdown: ScoreParts | null; scoring: boolean }
export interface FeaturePart { name: string; value: string | null; surprise: number }
export interface PairTerm { name: string; value: number; weight: number; part: number }
/** A robust event's surprise taken apart (the server's RobustExplanation). */
export interface RobustParts {
  rank: number; score: number; unit: 'combination' | 'pair' | 'rest'; unitText: string; host: string | null; peer: string | null;
  initiated: boolean; surprise: number; rated: boolean; feature_part: number; features: FeaturePart[];
  peer_rarity: number | null; rarity_weight: number | null; persistence: number | null; volume: number | null; routine: number | null;
  regularity: number | null; fanout: number | null; pair_part: number | null; host_odd: number; pairTerms: PairTerm[] | null; partsSum: number;
}
export interface Explanation {
  rank: number; type: string; fields: Record<string, string | null>; score: number; percentile: number | null;
  slots: Slot[]; scoringSide: string | null; rating: number | null; labelled: Labelled[];
  ips: string[]; scoring: 'spot' | 'robust'; robust?: RobustParts | { robustNote: string };
}
export interface DayItem { day: string; type: string; summary?: Record<string, unknown> & { settings?: Record<string, { value: unknown; source: string }> }; rated?: number; error?: string; feedbackFile?: string }
export interface Job { id: string; state: 'running' | 'done' | 'failed'; lines: string[]; exitCode: number | null }
export interface MovedEvent { rankBefore: number | null; rankAfter: number | null; fields: Record<string, string | null>; labelled: Labelled[]; rating: number | null }
export interface Moved { previous: string | null; top: number; entered: MovedEvent[]; left: MovedEvent[]; rated: MovedEvent[]; ofRatedIps: MovedEvent[] }
