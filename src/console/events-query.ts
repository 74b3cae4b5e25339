import { sqlDouble, sqlIdent, sqlString } from '../engine/engine.js';
import type { AnalysisType } from '../pipeline/analysis.js';
import { ipColumns } from '../explain/event-view.js';
import { ApiError, intParam, numberParam } from './api-error.js';

export interface EventQuery {
  q?: string;
  /** Exact IPs the event must involve (one: the IP's events; two: the pair's). */
  ips: string[];
  port?: number;
  proto?: string;
  min?: number;
  max?: number;
  rated?: 'any' | 'rated' | 'unrated' | 'high' | 'medium' | 'low';
  showHidden: boolean;
  offset: number;
  limit: number;
  sort: string;
  dir: 'asc' | 'desc';
}

export const MAX_PAGE = 1000;
const RATED = ['any', 'rated', 'unrated', 'high', 'medium', 'low'] as const;
const RATING_NUMBER = { high: 1, medium: 2, low: 3 } as const;

/** The table's query from a request's parameters, every value checked (a bad one is a 400). */
export function parseEventQuery(params: URLSearchParams, columns: readonly string[]): EventQuery {
  const sort = params.get('sort') || 'rank';
  if (sort !== 'rank' && !columns.includes(sort)) throw new ApiError(400, `cannot sort by "${sort.slice(0, 40)}": not a column`);
  const dir = params.get('dir') || 'asc';
  if (dir !== 'asc' && dir !== 'desc') throw new ApiError(400, 'dir must be asc or desc');
  const rated = params.get('rated') || 'any';
  if (!(RATED as readonly string[]).includes(rated)) throw new ApiError(400, `rated must be one of ${RATED.join(', ')}`);
  const q = params.get('q')?.trim();
  const proto = params.get('proto')?.trim();
  const port = params.get('port') ? intParam(params, 'port', 0, 0, 65535) : undefined;
  const ips = params.getAll('ip').map((ip) => ip.trim()).filter(Boolean);
  if (ips.length > 2 || ips.some((ip) => ip.length > 100)) throw new ApiError(400, 'ip: at most two addresses');
  return {
    q: q ? q.slice(0, 200) : undefined,
    ips,
    port,
    proto: proto ? proto.slice(0, 20) : undefined,
    min: numberParam(params, 'min'),
    max: numberParam(params, 'max'),
    rated: rated as EventQuery['rated'],
    showHidden: params.get('hidden') === 'show',
    offset: intParam(params, 'offset', 0, 0, 1e9),
    limit: intParam(params, 'limit', 50, 1, MAX_PAGE),
    sort,
    dir,
  };
}

const TEXT_COLUMNS: Record<AnalysisType, string[]> = {
  flow: ['sip', 'dip'],
  dns: ['ip_dst', 'dns_qry_name'],
  proxy: ['clientip', 'host', 'fulluri', 'serverip', 'useragent'],
};
const PORT_COLUMNS: Record<AnalysisType, string[]> = { flow: ['sport', 'dport'], dns: [], proxy: ['uriport'] };
const PROTO_COLUMN: Record<AnalysisType, string | undefined> = { flow: 'proto', dns: undefined, proxy: 'reqmethod' };

/** SQL conditions of the filters (all values as literals); the allow-list and paging are applied by the caller. */
export function filterConditions(type: AnalysisType, q: EventQuery): string[] {
  const where: string[] = [];
  if (q.q) {
    const needle = sqlString(q.q.toLowerCase());
    where.push(`(${TEXT_COLUMNS[type].map((c) => `contains(lower(${sqlIdent(c)}), ${needle})`).join(' OR ')})`);
  }
  for (const ip of q.ips) where.push(ofIp(type, ip));
  if (q.port !== undefined) {
    const cols = PORT_COLUMNS[type];
    if (cols.length === 0) throw new ApiError(400, `${type} events have no port to filter on`);
    where.push(`(${cols.map((c) => `TRY_CAST(${sqlIdent(c)} AS BIGINT) = ${q.port}`).join(' OR ')})`);
  }
  if (q.proto) {
    const col = PROTO_COLUMN[type];
    if (!col) throw new ApiError(400, `${type} events have no protocol to filter on`);
    where.push(`upper(${sqlIdent(col)}) = ${sqlString(q.proto.toUpperCase())}`);
  }
  if (q.min !== undefined) where.push(`score >= ${sqlDouble(q.min)}`);
  if (q.max !== undefined) where.push(`score <= ${sqlDouble(q.max)}`);
  if (q.rated === 'rated') where.push('rating IS NOT NULL');
  if (q.rated === 'unrated') where.push('rating IS NULL');
  if (q.rated === 'high' || q.rated === 'medium' || q.rated === 'low') where.push(`rating = ${RATING_NUMBER[q.rated]}`);
  return where;
}

export function orderBy(q: EventQuery): string {
  if (q.sort === 'rank') return `rank ${q.dir}`;
  const c = sqlIdent(q.sort);
  return q.sort === 'score' ? `score ${q.dir}, rank` : `TRY_CAST(${c} AS DOUBLE) ${q.dir} NULLS LAST, ${c} ${q.dir}, rank`;
}

/** SQL: the row is an event of `ip`. */
export function ofIp(type: AnalysisType, ip: string): string {
  return `(${ipColumns(type).map((c) => `${sqlIdent(c)} = ${sqlString(ip)}`).join(' OR ')})`;
}

/** The query as URL parameters (for links and export). */
export function queryParams(q: EventQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (q.q) p.set('q', q.q);
  for (const ip of q.ips) p.append('ip', ip);
  if (q.port !== undefined) p.set('port', String(q.port));
  if (q.proto) p.set('proto', q.proto);
  if (q.min !== undefined) p.set('min', String(q.min));
  if (q.max !== undefined) p.set('max', String(q.max));
  if (q.rated && q.rated !== 'any') p.set('rated', q.rated);
  if (q.showHidden) p.set('hidden', 'show');
  return p;
}
