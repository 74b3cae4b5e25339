import { Reject, SKIP, type Format, type LineParser } from '../format.js';
import { epochMillis, int, show, text } from '../fields.js';

/** Spot's tshark fields, then the query's own name, type and class (for responses without an answer) and IPv6 addresses. */
export const TSHARK_FIELDS = [
  'frame.time', 'frame.time_epoch', 'frame.len', 'ip.src', 'ip.dst', 'dns.resp.name', 'dns.resp.type',
  'dns.resp.class', 'dns.flags.rcode', 'dns.a', 'dns.qry.name', 'dns.qry.type', 'dns.qry.class', 'ipv6.src', 'ipv6.dst',
];
export const TSHARK_FILTER = 'dns.flags.response == 1';

export function tsharkArgs(file: string): string[] {
  return ['-r', file, '-n', '-E', 'separator=,', '-E', 'header=y', '-E', 'occurrence=f', '-T', 'fields',
    ...TSHARK_FIELDS.flatMap((f) => ['-e', f]), TSHARK_FILTER];
}

const PCAP_MAGIC = ['d4c3b2a1', 'a1b2c3d4', '4d3cb2a1', 'a1b23c4d', '0a0d0d0a'];

const REQUIRED = ['frame.time', 'frame.time_epoch', 'frame.len', 'ip.src', 'ip.dst', 'dns.flags.rcode'];

/**
 * tshark's `-T fields -E separator=, -E header=y` output with Spot's field list (more fields, in any
 * order, are read by name). frame.time carries a comma (`May  5, 2016 10:15:01.010000000 UTC`), so it
 * spans two fields; they are joined without the comma, as Spot stored it.
 */
function tsharkParser(): LineParser {
  let at: Record<string, number> | undefined;
  let width = 0;
  let timeAt = 0;
  return {
    parse(line) {
      if (at === undefined) {
        if (line === '') return SKIP;
        const names = line.split(',');
        const missing = REQUIRED.filter((n) => !names.includes(n));
        if (missing.length) throw new Reject(`not a tshark fields header with ${REQUIRED.join(',')} (missing ${missing.join(', ')}): ${show(line)}`);
        timeAt = names.indexOf('frame.time');
        // Fields after frame.time shift right by one (its comma).
        at = Object.fromEntries(names.map((n, i) => [n, i > timeAt ? i + 1 : i]));
        width = names.length + 1;
        return SKIP;
      }
      if (line === '') return SKIP;
      const f = line.split(',');
      if (f.length !== width) throw new Reject(`${f.length} fields, expected ${width} (the header's ${width - 1}, frame.time holding a comma)`);
      const v = (name: string) => (at![name] === undefined ? '' : f[at![name]]);
      const frameTime = f[timeAt] + f[timeAt + 1];
      const epoch = v('frame.time_epoch');
      const ms = epochMillis(epoch, 'frame.time_epoch');
      const name = v('dns.resp.name') || v('dns.qry.name');
      const type = v('dns.resp.type') || v('dns.qry.type');
      const cls = v('dns.resp.class') || v('dns.qry.class');
      const answer = v('dns.a');
      return [
        text(frameTime.trim() && frameTime, 'frame.time'),
        String(Math.floor(ms / 1000)),
        int(v('frame.len'), 'frame.len'),
        text(v('ip.dst') || v('ipv6.dst'), 'ip.dst'),
        text(v('ip.src') || v('ipv6.src'), 'ip.src'),
        name,
        cls || null,
        type === '' ? null : int(type, 'dns.resp.type', 0, 65535),
        int(v('dns.flags.rcode'), 'dns.flags.rcode', 0, 65535),
        answer || null,
      ];
    },
    notTheFormat() {
      return at === undefined ? `no tshark fields header (${REQUIRED.join(',')},...) was found` : undefined;
    },
  };
}

export const tsharkCsv: Format = {
  name: 'tshark-csv',
  type: 'dns',
  description: "tshark -T fields CSV text of Spot's DNS field list (header line required)",
  parser: tsharkParser,
};

export const pcap: Format = {
  name: 'pcap',
  type: 'dns',
  description: "pcap/pcapng files, read with tshark (Spot's field list and filter: responses only)",
  tool: (file) => ({ command: 'tshark', args: tsharkArgs(file), env: { TZ: 'UTC' }, debianPackage: 'tshark' }),
  // tshark reads almost anything as some capture; a pcap or pcapng file starts with its magic number.
  sniff: (head) => (PCAP_MAGIC.includes(head.subarray(0, 4).toString('hex')) ? undefined : 'it does not start with a pcap or pcapng magic number'),
  parser: tsharkParser,
};
