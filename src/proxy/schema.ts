import type { SchemaColumn } from '../pipeline/analysis.js';

const text = (name: string): SchemaColumn => ({ name, kind: 'string' });
const int = (name: string): SchemaColumn => ({ name, kind: 'int' });

/** The proxy columns the analysis reads (SPEC §2), in Spot's order; extra columns are ignored. */
export const proxySchema: readonly SchemaColumn[] = [
  ...['p_date', 'p_time', 'clientip', 'host', 'reqmethod', 'useragent', 'resconttype'].map(text),
  int('duration'),
  ...['username', 'webcat', 'referer', 'respcode', 'uriport', 'uripath', 'uriquery', 'serverip'].map(text),
  int('scbytes'),
  int('csbytes'),
  text('fulluri'),
];

/** Results columns before the score, in Spot's order: the input columns, then the word (SPEC §8). */
export const proxyResultColumns = [...proxySchema.map((c) => c.name), 'word'];
