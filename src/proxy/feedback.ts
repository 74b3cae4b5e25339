import type { FeedbackLayout } from '../feedback/layout.js';

const request = (name: string, position: number, required = false) =>
  ({ name, kind: 'text', position, nullable: !required }) as const;
const count = (name: string, position: number) => ({ name, kind: 'int', position, nullable: true }) as const;
const carried = (name: string, position: number) => ({ name, kind: 'ignored', position }) as const;

/**
 * Proxy's ml_feedback.csv (SPEC §6), the 26 columns Spot's front end wrote; the rating is `uri_sev`.
 * The model reads the request's fields (those of the proxy input); the rest are carried, not read.
 */
export const proxyFeedbackLayout: FeedbackLayout = {
  type: 'proxy',
  rating: 'uri_sev',
  columns: [
    request('p_date', 0, true),
    { name: 'p_time', kind: 'clockTime', position: 1 },
    request('clientip', 2, true),
    request('host', 3, true),
    request('reqmethod', 4),
    request('useragent', 5),
    request('resconttype', 6),
    count('duration', 7),
    request('username', 8),
    request('webcat', 9),
    request('referer', 10),
    request('respcode', 11),
    request('uriport', 12),
    request('uripath', 13),
    request('uriquery', 14),
    request('serverip', 15),
    count('scbytes', 16),
    count('csbytes', 17),
    request('fulluri', 18, true),
    carried('word', 19),
    carried('score', 20),
    carried('uri_rep', 21),
    { name: 'uri_sev', kind: 'rating', position: 22 },
    carried('respcode_name', 23),
    carried('network_context', 24),
    carried('hash', 25),
  ],
  resultsColumns: [
    'p_date', 'p_time', 'clientip', 'host', 'reqmethod', 'useragent', 'resconttype', 'duration', 'username',
    'webcat', 'referer', 'respcode', 'uriport', 'uripath', 'uriquery', 'serverip', 'scbytes', 'csbytes',
    'fulluri', 'word', 'score',
  ],
};
