import { FILTERED, type Format } from '../format.js';
import { hexClass, int, text, tsharkFrameTime, zeekTime } from '../fields.js';
import { first, zeekParser } from './zeek.js';

/**
 * Zeek dns.log → DNS. Responses only: a record without an rcode (no reply seen) is not an event.
 * The client (id.orig_h) is ip_dst and the server ip_src, as in a response packet. Zeek logs no packet
 * length: frame_len is 0.
 */
export const zeekDns: Format = {
  name: 'zeek-dns',
  type: 'dns',
  description: 'Zeek dns.log (TSV with #fields, or JSON lines); responses only',
  parser: () =>
    zeekParser('dns', ['ts', 'id.orig_h', 'id.resp_h', 'query', 'rcode'], (get) => {
      const rcode = get('rcode');
      if (rcode === undefined) return FILTERED;
      const ms = zeekTime(get('ts'), 'ts');
      const fraction = /\.(\d+)/.exec(get('ts') ?? '')?.[1];
      const qclass = get('qclass');
      const qtype = get('qtype');
      return [
        tsharkFrameTime(ms, fraction),
        String(Math.floor(ms / 1000)),
        '0',
        text(get('id.orig_h'), 'id.orig_h'),
        text(get('id.resp_h'), 'id.resp_h'),
        get('query') ?? '',
        qclass === undefined ? null : hexClass(int(qclass, 'qclass', 0, 65535)),
        qtype === undefined ? null : int(qtype, 'qtype', 0, 65535),
        int(rcode, 'rcode', 0, 65535),
        first(get('answers')) ?? null,
      ];
    }),
};
