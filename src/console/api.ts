import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { mkdtempSync, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Readable } from 'node:stream';
import { sqlString, type Engine } from '../engine/engine.js';
import { SpotError } from '../common/errors.js';
import { rateEvent, feedbackValuesOfResult } from '../feedback/rate.js';
import { decodeWord } from '../explain/decode.js';
import { explainEvents } from '../explain/explain.js';
import { labelledFields } from '../explain/event-view.js';
import { readDistribution, settingOf } from '../explain/run-files.js';
import { ipRow, pairsOfIpSql } from '../explain/corpus-pairs.js';
import { isRobustRun } from '../explain/robust-parts.js';
import { allowlistPredicate, inRanges, IP4_MACRO, parseAllowlist, parseCidr, PRIVATE_RANGES, readAllowlist, writeAllowlist } from './allowlist.js';
import { ApiError, intParam } from './api-error.js';
import type { Catalog } from './catalog.js';
import { DayState } from './day-state.js';
import { filterConditions, ofIp, orderBy, parseEventQuery, type EventQuery } from './events-query.js';
import { whatMoved } from './moved.js';
import { Rescorer } from './rescore.js';

export interface ApiResponse {
  status: number;
  json?: unknown;
  /** A file to send (export), removed afterwards. */
  file?: { path: string; type: string; name: string; cleanup: () => Promise<void> };
}

export interface ConsoleOptions {
  allowlistFile: string;
  /** Comma-separated CIDRs of the internal network (network view). */
  internal: string;
}

const RATINGS: Record<string, number> = { high: 1, medium: 2, low: 3, '1': 1, '2': 2, '3': 3 };

/** Runs engine work one statement chain at a time (one connection, many requests). */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.tail.then(work, work);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/** The console's API: every request names a day and type the catalog lists; data is read through the engine. */
export class ConsoleApi {
  private readonly days = new Map<string, DayState>();
  private readonly serial = new Serial();
  readonly rescorer = new Rescorer();
  private readonly internalRanges: { lo: number; hi: number }[];

  constructor(
    private readonly engine: Engine,
    readonly catalog: Catalog,
    readonly options: ConsoleOptions,
  ) {
    catalog.entries.forEach((e, i) => this.days.set(`${e.day}/${e.type}`, new DayState(engine, e, `d${i}`)));
    this.internalRanges = options.internal
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean)
      .map((c) => {
        const r = parseCidr(c);
        if (!r) throw new SpotError(`internal networks: "${c}" is not an IPv4 CIDR`);
        return r;
      });
  }

  /** Defines the engine helpers, then loads every day's results in the background (the first page need not wait for it). */
  async init(): Promise<void> {
    await this.engine.exec(IP4_MACRO);
    for (const day of this.days.values()) void this.serial.run(() => day.refresh()).catch(() => undefined);
  }

  /** Resolves when the engine work queued so far is done (before closing the engine). */
  idle(): Promise<void> {
    return this.serial.run(async () => undefined);
  }

  /** GET and POST routes; `path` is the URL path after /api. */
  async handle(method: string, path: string, params: URLSearchParams, body: unknown): Promise<ApiResponse> {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (method === 'GET' && parts.length === 1 && parts[0] === 'days') return { status: 200, json: await this.listDays() };
    if (parts[0] === 'allowlist' && parts.length === 1) {
      if (method === 'GET') return { status: 200, json: await this.allowlist() };
      if (method === 'POST') return { status: 200, json: await this.saveAllowlist(body) };
    }
    if (parts[0] === 'jobs' && parts.length === 2 && method === 'GET') {
      const job = this.rescorer.job(parts[1]);
      if (!job) throw new ApiError(404, `no re-score job ${parts[1].slice(0, 20)}`);
      return { status: 200, json: job };
    }
    if (parts[0] === 'days' && parts.length >= 4) {
      const day = this.day(parts[1], parts[2]);
      const rest = parts.slice(3);
      return this.serial.run(async () => {
        await day.refresh();
        return this.dayRoute(method, day, rest, params, body);
      });
    }
    throw new ApiError(404, `no such API: ${method} /api/${parts.join('/').slice(0, 80)}`);
  }

  private day(day: string, type: string): DayState {
    const found = this.days.get(`${day}/${type}`);
    if (!found) throw new ApiError(404, `no scored ${type.slice(0, 10)} run for day ${day.slice(0, 20)}`);
    return found;
  }

  private async dayRoute(method: string, day: DayState, rest: string[], params: URLSearchParams, body: unknown): Promise<ApiResponse> {
    const [what, arg, sub] = rest;
    if (method === 'GET' && what === 'events' && rest.length === 1) return { status: 200, json: await this.events(day, params) };
    if (method === 'GET' && what === 'events' && rest.length === 2) return { status: 200, json: await this.explain(day, rankOf(arg)) };
    if (method === 'POST' && what === 'events' && sub === 'rating' && rest.length === 3) return { status: 200, json: await this.rate(day, rankOf(arg), body) };
    if (method === 'GET' && what === 'export.csv' && rest.length === 1) return this.exportRows(day, params, 'csv');
    if (method === 'GET' && what === 'export.json' && rest.length === 1) return this.exportRows(day, params, 'json');
    if (method === 'GET' && what === 'histogram' && rest.length === 1) return { status: 200, json: await this.histogram(day) };
    if (method === 'GET' && what === 'ips' && rest.length === 2) return { status: 200, json: await this.ipView(day, arg) };
    if (method === 'GET' && what === 'network' && rest.length === 1) return { status: 200, json: await this.network(day, params) };
    if (method === 'POST' && what === 'rescore' && rest.length === 1) return { status: 202, json: await this.rescore(day) };
    if (method === 'GET' && what === 'moved' && rest.length === 1)
      return { status: 200, json: await whatMoved(this.engine, day, intParam(params, 'top', 20, 1, 1000)) };
    throw new ApiError(404, `no such API: ${method} ${rest.join('/').slice(0, 80)}`);
  }

  async listDays(): Promise<unknown[]> {
    const out: unknown[] = [];
    for (const day of this.days.values()) {
      const item = await this.serial.run(async () => {
        try {
          await day.refresh();
          return { day: day.entry.day, type: day.entry.type, summary: day.run.summary, rated: day.rated, feedbackFile: day.entry.feedbackFile };
        } catch (err) {
          return { day: day.entry.day, type: day.entry.type, error: (err as Error).message.split('\n')[0] };
        }
      });
      out.push(item);
    }
    return out;
  }

  private async allowPredicate(day: DayState): Promise<string> {
    const { parsed } = await readAllowlist(this.options.allowlistFile);
    return allowlistPredicate(day.entry.type, parsed.entries);
  }

  /** The filtered rows (with rating and allowlisted) as SQL. */
  private async filtered(day: DayState, q: EventQuery): Promise<{ sql: string; allow: string }> {
    const allow = await this.allowPredicate(day);
    const where = filterConditions(day.entry.type, q);
    const sql = `(SELECT *, ${allow} AS allowlisted FROM ${day.ratedRows()} ${where.length ? `WHERE ${where.join(' AND ')}` : ''})`;
    return { sql, allow };
  }

  async events(day: DayState, params: URLSearchParams): Promise<unknown> {
    const q = parseEventQuery(params, day.columns());
    const { sql, allow } = await this.filtered(day, q);
    const visible = q.showHidden ? 'true' : 'NOT allowlisted';
    // One pass gives the page's ranks and the count of what is shown (only the filter and sort columns are
    // read); the page's rows are then fetched whole by rank. The allow-list's hidden count needs a pass of
    // its own only when the list is not empty.
    const ranks = await this.engine.rows(
      `SELECT rank, count(*) OVER () AS total FROM ${sql} WHERE ${visible} ORDER BY ${orderBy(q)} LIMIT ${q.limit} OFFSET ${q.offset}`,
    );
    const counted = async (where: string) => Number((await this.engine.rows(`SELECT count(*) AS n FROM ${sql} WHERE ${where}`))[0].n);
    const total = ranks.length > 0 ? Number(ranks[0].total) : await counted(visible);
    const hidden = allow === 'false' ? 0 : await counted('allowlisted');
    const rows = await this.rowsByRank(day, ranks.map((r) => Number(r.rank)), allow);
    return {
      day: day.entry.day,
      type: day.entry.type,
      columns: day.columns(),
      total,
      hidden,
      offset: q.offset,
      limit: q.limit,
      rows: rows.map((r) => this.rowJson(day, r)),
    };
  }

  /** Whole rows (with rating and allowlisted) of the given ranks, in that order. */
  private async rowsByRank(day: DayState, ranks: number[], allow: string): Promise<Record<string, unknown>[]> {
    if (ranks.length === 0) return [];
    const found = await this.engine.rows(`SELECT *, ${allow} AS allowlisted FROM ${day.ratedRows()} WHERE rank IN (${ranks.join(', ')})`);
    const byRank = new Map(found.map((r) => [Number(r.rank), r]));
    return ranks.map((r) => byRank.get(r)!).filter(Boolean);
  }

  private rowJson(day: DayState, r: Record<string, unknown>) {
    const fields: Record<string, string | null> = {};
    for (const c of day.columns()) if (c !== 'score') fields[c] = r[c] === null || r[c] === undefined ? null : String(r[c]);
    return {
      rank: Number(r.rank),
      score: Number(r.score),
      percentile: day.tables.percentileOf(Number(r.score)),
      rating: r.rating === null || r.rating === undefined ? null : Number(r.rating),
      allowlisted: r.allowlisted === undefined ? undefined : Boolean(r.allowlisted),
      fields,
      labelled: labelledFields(day.entry.type, fields),
    };
  }

  async explain(day: DayState, rank: number): Promise<unknown> {
    const [event] = await explainEvents(this.engine, day.tables, [rank]);
    if (!event) throw new ApiError(404, `no event ranked ${rank} in ${day.entry.day} ${day.entry.type}`);
    const [r] = await this.engine.rows(`SELECT rating FROM ${day.ratedRows()} WHERE rank = ${rank}`);
    return { ...event, rating: r?.rating === null || r?.rating === undefined ? null : Number(r.rating), labelled: labelledFields(day.entry.type, event.fields) };
  }

  async rate(day: DayState, rank: number, body: unknown): Promise<unknown> {
    const raw = (body as { rating?: unknown } | undefined)?.rating;
    const rating = RATINGS[String(raw)];
    if (!rating) throw new ApiError(400, 'rating must be high, medium or low (1, 2 or 3)');
    const [row] = await this.engine.rows(`SELECT * FROM ${day.tables.ranked()} WHERE rank = ${rank}`);
    if (!row) throw new ApiError(404, `no event ranked ${rank} in ${day.entry.day} ${day.entry.type}`);
    const byName = new Map<string, string | undefined>(day.columns().map((c) => [c, row[c] === null ? undefined : String(row[c])]));
    const values = { ...feedbackValuesOfResult(day.layout, byName), [day.layout.rating]: String(rating) };
    let line: string;
    try {
      line = await rateEvent(day.entry.feedbackFile, day.layout, values);
    } catch (err) {
      if (err instanceof SpotError) throw new ApiError(422, err.message);
      throw err;
    }
    await day.refresh();
    return { rank, rating, line, file: day.entry.feedbackFile, rated: day.rated };
  }

  async exportRows(day: DayState, params: URLSearchParams, format: 'csv' | 'json'): Promise<ApiResponse> {
    const q = parseEventQuery(params, day.columns());
    const { sql } = await this.filtered(day, q);
    const cols = ['rank', ...day.columns(), 'percentile', 'rating'].map((c) => `"${c}"`).join(', ');
    const dir = mkdtempSync(join(tmpdir(), 'spot-console-export-'));
    const path = join(dir, `events.${format}`);
    const visible = q.showHidden ? 'true' : 'NOT allowlisted';
    const rows = `(SELECT * FROM ${sql} WHERE ${visible})`;
    const options = format === 'csv' ? "(FORMAT csv, HEADER true, QUOTE '\"', ESCAPE '\"')" : '(FORMAT json, ARRAY true)';
    await this.engine.exec(`COPY (SELECT ${cols} FROM ${day.tables.withPercentile(rows)} ORDER BY ${orderBy(q)}) TO ${sqlString(path)} ${options}`);
    return {
      status: 200,
      file: {
        path,
        type: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
        name: `${day.entry.type}-${day.entry.day}.${format}`,
        cleanup: () => rm(dir, { recursive: true, force: true }),
      },
    };
  }

  async histogram(day: DayState): Promise<unknown> {
    // score_distribution.json describes Spot's pair scores (and newer robust runs have none): a robust score is its own percentile.
    const robust = isRobustRun(day.run);
    const dist = robust ? undefined : await readDistribution(day.run);
    const threshold = settingOf(day.run, 'threshold');
    const [m] = await this.engine.rows(`SELECT max(score) AS hi, min(score) AS lo, count(*) AS n FROM ${day.tables.results}`);
    return {
      scoring: robust ? 'robust' : 'spot',
      distribution: dist ?? null,
      threshold: typeof threshold === 'number' ? threshold : threshold !== undefined ? Number(threshold) : null,
      reportedMax: m.hi === null ? null : Number(m.hi),
      reported: Number(m.n),
    };
  }

  async ipView(day: DayState, ip: string): Promise<unknown> {
    if (ip.length > 100) throw new ApiError(400, 'not an IP address');
    // The robust mode fits no topic model: its runs have no IP topic mix or words to show.
    const robust = isRobustRun(day.run);
    const doc = robust ? undefined : await ipRow(this.engine, day.run, ip);
    const words = doc
      ? await this.engine.rows(`SELECT word, count, score FROM ${pairsOfIpSql(day.run, doc.id)} ORDER BY count DESC, word LIMIT 20`).catch(() => [])
      : [];
    const ranks = await this.engine.rows(`SELECT rank FROM ${day.tables.ranked()} WHERE ${ofIp(day.entry.type, ip)} ORDER BY rank LIMIT 200`);
    const events = await this.rowsByRank(day, ranks.map((r) => Number(r.rank)), 'false');
    const [n] = await this.engine.rows(`SELECT count(*) AS n FROM ${day.tables.results} WHERE ${ofIp(day.entry.type, ip)}`);
    return {
      ip,
      scoring: robust ? 'robust' : 'spot',
      internal: inRanges(ip, this.internalRanges),
      theta: doc ? doc.topics : null,
      words: words.map((w) => ({
        word: String(w.word),
        count: Number(w.count),
        score: Number(w.score),
        parts: decodeWord(day.entry.type, String(w.word)),
      })),
      events: events.map((r) => this.rowJson(day, r)),
      eventCount: Number(n.n),
    };
  }

  async network(day: DayState, params: URLSearchParams): Promise<unknown> {
    if (day.entry.type !== 'flow') throw new ApiError(400, 'the network view is for flow days');
    const top = intParam(params, 'top', 100, 1, 2000);
    const allow = await this.allowPredicate(day);
    const rows = await this.engine.rows(`
      SELECT sip, dip, min(score) AS score, min(rank) AS rank, count(*) AS events FROM (
        SELECT * FROM ${day.tables.ranked()} WHERE NOT (${allow}) ORDER BY rank LIMIT ${top})
      GROUP BY sip, dip ORDER BY min(rank)`);
    const nodes = new Map<string, { id: string; internal: boolean; events: number; bestRank: number }>();
    const node = (ip: string, events: number, rank: number) => {
      const n = nodes.get(ip) ?? { id: ip, internal: inRanges(ip, this.internalRanges), events: 0, bestRank: rank };
      n.events += events;
      n.bestRank = Math.min(n.bestRank, rank);
      nodes.set(ip, n);
    };
    const edges = rows.map((r) => {
      node(String(r.sip), Number(r.events), Number(r.rank));
      node(String(r.dip), Number(r.events), Number(r.rank));
      return { source: String(r.sip), target: String(r.dip), score: Number(r.score), rank: Number(r.rank), events: Number(r.events) };
    });
    return { top, nodes: [...nodes.values()], edges, internal: this.options.internal };
  }

  async rescore(day: DayState): Promise<unknown> {
    await day.keepAsPrevious();
    const job = this.rescorer.start(day, async (done) => {
      if (done.exitCode === 0) await this.serial.run(() => day.refresh());
    });
    return job;
  }

  async allowlist(): Promise<unknown> {
    const { text, parsed } = await readAllowlist(this.options.allowlistFile);
    return { file: this.options.allowlistFile, text, entries: parsed.entries.map((e) => e.text), problems: parsed.problems };
  }

  async saveAllowlist(body: unknown): Promise<unknown> {
    const text = (body as { text?: unknown } | undefined)?.text;
    if (typeof text !== 'string' || text.length > 1_000_000) throw new ApiError(400, 'send { "text": the allow-list, one entry a line }');
    const parsed = parseAllowlist(text);
    if (parsed.problems.length > 0) {
      const p = parsed.problems[0];
      throw new ApiError(400, `line ${p.line} ("${p.text.slice(0, 60)}"): ${p.problem}`);
    }
    await writeAllowlist(this.options.allowlistFile, text);
    return this.allowlist();
  }

  /** A file response's body. */
  static stream(path: string): Readable {
    return createReadStream(path);
  }
}

function rankOf(text: string | undefined): number {
  if (!text || !/^\d{1,10}$/.test(text) || Number(text) < 1) throw new ApiError(400, `an event is named by its rank (1, 2, ...), got "${(text ?? '').slice(0, 20)}"`);
  return Number(text);
}

export const DEFAULT_INTERNAL = PRIVATE_RANGES;
