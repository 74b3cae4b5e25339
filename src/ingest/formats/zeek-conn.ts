import type { Format } from '../format.js';
import { count, int, text, utcDateTime, zeekTime } from '../fields.js';
import { zeekParser } from './zeek.js';

/**
 * Zeek conn.log → flow. One connection is one flow (both directions): the originator is the source,
 * orig_pkts/orig_ip_bytes the packets and bytes in, resp_pkts/resp_ip_bytes out (IP bytes, as netflow
 * counts them). ts (the connection's first packet) is treceived.
 */
export const zeekConn: Format = {
  name: 'zeek-conn',
  type: 'flow',
  description: 'Zeek conn.log (TSV with #fields, or JSON lines)',
  parser: () =>
    zeekParser('conn', ['ts', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto'], (get) => [
      utcDateTime(zeekTime(get('ts'), 'ts')),
      String(Number(get('duration') ?? '0') || 0),
      text(get('id.orig_h'), 'id.orig_h'),
      text(get('id.resp_h'), 'id.resp_h'),
      int(get('id.orig_p'), 'id.orig_p', 0, 65535),
      int(get('id.resp_p'), 'id.resp_p', 0, 65535),
      text(get('proto'), 'proto').toUpperCase(),
      get('history') ?? null,
      null,
      null,
      count(get('orig_pkts') ?? '0', 'orig_pkts'),
      count(get('orig_ip_bytes') ?? '0', 'orig_ip_bytes'),
      count(get('resp_pkts') ?? '0', 'resp_pkts'),
      count(get('resp_ip_bytes') ?? '0', 'resp_ip_bytes'),
      null,
      null,
      null,
      null,
      null,
      null,
      null,
    ]),
};
