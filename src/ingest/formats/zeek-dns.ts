import type { Format } from '../format.js';
import { utcTimestamp } from '../sql/checks.js';
import { zeekPlan } from './zeek.js';

/**
 * Zeek dns.log → DNS. Responses only: a record without an rcode (no reply seen) is not an event.
 * The client (id.orig_h) is ip_dst and the server ip_src, as in a response packet. Zeek logs no packet
 * length: frame_len is 0. frame_time is written as tshark prints frame.time (without its comma), as Spot stored it.
 */
export const zeekDns: Format = {
  name: 'zeek-dns',
  type: 'dns',
  description: 'Zeek dns.log (TSV with #fields, or JSON lines); responses only',
  plan: (head) =>
    zeekPlan('dns', 'dns', ['ts', 'id.orig_h', 'id.resp_h', 'query', 'rcode'], head, (z, c) => {
      const seconds = z.seconds('ts');
      const t = utcTimestamp(seconds);
      const qclass = z.get('qclass');
      const qtype = z.get('qtype');
      return {
        filtered: `${z.get('rcode')} IS NULL`,
        values: {
          frame_time:
            `strftime(${t}, '%b ') || lpad(CAST(day(${t}) AS VARCHAR), 2, ' ') || strftime(${t}, ' %Y %H:%M:%S.') || ` +
            `left(rpad(coalesce(${z.fraction('ts')}, '0'), 9, '0'), 9) || ' UTC'`,
          unix_tstamp: seconds,
          frame_len: '0',
          ip_dst: c.text(z.get('id.orig_h'), 'id.orig_h'),
          ip_src: c.text(z.get('id.resp_h'), 'id.resp_h'),
          dns_qry_name: `coalesce(${z.get('query')}, '')`,
          dns_qry_class: `CASE WHEN ${qclass} IS NOT NULL THEN printf('0x%04x', ${c.only(`${qclass} IS NOT NULL`, () => c.int(qclass, 'qclass', 0, 65535))}) END`,
          dns_qry_type: `CASE WHEN ${qtype} IS NOT NULL THEN ${c.only(`${qtype} IS NOT NULL`, () => c.int(qtype, 'qtype', 0, 65535))} END`,
          dns_qry_rcode: c.int(z.get('rcode'), 'rcode', 0, 65535),
          dns_a: z.first('answers'),
        },
      };
    }),
};
