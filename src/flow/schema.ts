import type { SchemaColumn } from '../pipeline/analysis.js';

/** The netflow columns the analysis reads (SPEC §2); extra columns are ignored. */
export const flowSchema: readonly SchemaColumn[] = [
  { name: 'treceived', kind: 'string' },
  { name: 'tryear', kind: 'int' },
  { name: 'trmonth', kind: 'int' },
  { name: 'trday', kind: 'int' },
  { name: 'trhour', kind: 'int' },
  { name: 'trminute', kind: 'int' },
  { name: 'trsec', kind: 'int' },
  { name: 'tdur', kind: 'double' },
  { name: 'sip', kind: 'string' },
  { name: 'dip', kind: 'string' },
  { name: 'sport', kind: 'int' },
  { name: 'dport', kind: 'int' },
  { name: 'proto', kind: 'string' },
  { name: 'ipkt', kind: 'long' },
  { name: 'ibyt', kind: 'long' },
  { name: 'opkt', kind: 'long' },
  { name: 'obyt', kind: 'long' },
];

/** Results columns before the score, in Spot's order (SPEC §8). */
export const flowResultColumns = flowSchema.map((c) => c.name);
