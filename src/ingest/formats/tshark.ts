import { sqlString } from '../../engine/engine.js';
import { NotTheFormat, type Format, type FormatPlan } from '../format.js';
import { Checks, show } from '../sql/checks.js';
import { planSelect } from '../sql/plan.js';

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
function tsharkPlan(head: readonly string[]): FormatPlan {
  const at = head.findIndex((l) => l !== '');
  const names = at < 0 ? [] : head[at].split(',');
  const missing = REQUIRED.filter((n) => !names.includes(n));
  if (missing.length) {
    throw new NotTheFormat(`no tshark fields header (${REQUIRED.join(',')},...) was found${at < 0 ? '' : `; line ${at + 1} is ${show(head[at])}`}`);
  }
  const timeAt = names.indexOf('frame.time');
  const width = names.length + 1;
  // Fields after frame.time shift right by one (its comma); a field the header lacks is empty.
  const v = (name: string) => {
    const i = names.indexOf(name);
    return i < 0 ? `''` : `f[${(i > timeAt ? i + 1 : i) + 1}]`;
  };
  const either = (a: string, b: string) => `CASE WHEN ${v(a)} <> '' THEN ${v(a)} ELSE ${v(b)} END`;
  const c = new Checks({ delimiter: ',', width });
  c.add(`len(f) <> ${width}`, `len(f) || ${sqlString(` fields, expected ${width} (the header's ${width - 1}, frame.time holding a comma)`)}`, true);
  const unix = c.epochSeconds(v('frame.time_epoch'), 'frame.time_epoch');
  const frameTime = `(f[${timeAt + 1}] || f[${timeAt + 2}])`;
  c.add(`trim(${frameTime}) = ''`, `'frame.time: missing'`);
  const type = either('dns.resp.type', 'dns.qry.type');
  return planSelect({
    type: 'dns',
    split: { f: `string_split(line, ',')` },
    skip: `line IS NULL OR line = ${sqlString(head[at])}`,
    checks: c,
    values: {
      frame_time: frameTime,
      unix_tstamp: unix,
      frame_len: c.int(v('frame.len'), 'frame.len'),
      ip_dst: c.text(either('ip.dst', 'ipv6.dst'), 'ip.dst'),
      ip_src: c.text(either('ip.src', 'ipv6.src'), 'ip.src'),
      dns_qry_name: either('dns.resp.name', 'dns.qry.name'),
      dns_qry_class: `nullif(${either('dns.resp.class', 'dns.qry.class')}, '')`,
      dns_qry_type: `CASE WHEN ${type} <> '' THEN ${c.only(`${type} <> ''`, () => c.int(type, 'dns.resp.type', 0, 65535))} END`,
      dns_qry_rcode: c.int(v('dns.flags.rcode'), 'dns.flags.rcode', 0, 65535),
      dns_a: `nullif(${v('dns.a')}, '')`,
    },
  });
}

export const tsharkCsv: Format = {
  name: 'tshark-csv',
  type: 'dns',
  description: "tshark -T fields CSV text of Spot's DNS field list (header line required)",
  plan: tsharkPlan,
};

export const pcap: Format = {
  name: 'pcap',
  type: 'dns',
  description: "pcap/pcapng files, read with tshark (Spot's field list and filter: responses only)",
  tool: (file) => ({ command: 'tshark', args: tsharkArgs(file), env: { TZ: 'UTC' }, debianPackage: 'tshark' }),
  // tshark reads almost anything as some capture; a pcap or pcapng file starts with its magic number.
  sniff: (head) => (PCAP_MAGIC.includes(head.subarray(0, 4).toString('hex')) ? undefined : 'it does not start with a pcap or pcapng magic number'),
  plan: tsharkPlan,
};
