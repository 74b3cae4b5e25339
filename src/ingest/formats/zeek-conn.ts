import type { Format } from '../format.js';
import { utcText } from '../sql/checks.js';
import { zeekPlan } from './zeek.js';

/**
 * Zeek conn.log → flow. One connection is one flow (both directions): the originator is the source,
 * orig_pkts/orig_ip_bytes the packets and bytes in, resp_pkts/resp_ip_bytes out (IP bytes, as netflow
 * counts them). ts (the connection's first packet) is treceived.
 */
export const zeekConn: Format = {
  name: 'zeek-conn',
  type: 'flow',
  description: 'Zeek conn.log (TSV with #fields, or JSON lines)',
  plan: (head) =>
    zeekPlan('flow', 'conn', ['ts', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto'], head, (z, c) => ({
      values: {
        treceived: utcText(z.seconds('ts')),
        tdur: `coalesce(nullif(TRY_CAST(${z.get('duration')} AS DOUBLE), 'NaN'::DOUBLE), 0)`,
        sip: c.text(z.get('id.orig_h'), 'id.orig_h'),
        dip: c.text(z.get('id.resp_h'), 'id.resp_h'),
        sport: c.int(z.get('id.orig_p'), 'id.orig_p', 0, 65535),
        dport: c.int(z.get('id.resp_p'), 'id.resp_p', 0, 65535),
        proto: `upper(${c.text(z.get('proto'), 'proto')})`,
        flag: z.get('history'),
        ipkt: c.count(`coalesce(${z.get('orig_pkts')}, '0')`, 'orig_pkts'),
        ibyt: c.count(`coalesce(${z.get('orig_ip_bytes')}, '0')`, 'orig_ip_bytes'),
        opkt: c.count(`coalesce(${z.get('resp_pkts')}, '0')`, 'resp_pkts'),
        obyt: c.count(`coalesce(${z.get('resp_ip_bytes')}, '0')`, 'resp_ip_bytes'),
      },
    })),
};
