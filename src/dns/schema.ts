import type { SchemaColumn } from '../pipeline/analysis.js';

/** The DNS columns the analysis reads (SPEC §2); extra columns (ip_src, dns_a, ...) are ignored. */
export const dnsSchema: readonly SchemaColumn[] = [
  { name: 'frame_time', kind: 'string' },
  { name: 'unix_tstamp', kind: 'long' },
  { name: 'frame_len', kind: 'int' },
  { name: 'ip_dst', kind: 'string' },
  { name: 'dns_qry_name', kind: 'string' },
  { name: 'dns_qry_class', kind: 'string' },
  { name: 'dns_qry_type', kind: 'int' },
  { name: 'dns_qry_rcode', kind: 'int' },
];

/** Results columns before the score, in Spot's order (SPEC §8). */
export const dnsResultColumns = dnsSchema.map((c) => c.name);
