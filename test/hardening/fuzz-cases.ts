import { readFileSync, writeFileSync } from 'node:fs';
import type { DuckDbEngine } from '../../src/engine/duckdb.js';
import { sqlString } from '../../src/engine/engine.js';
import { flowRowsSql, type FlowRow } from '../helpers.js';

/** A small seeded generator (mulberry32): the same seed gives the same cases. */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  return { next, int, pick };
}
export type Random = ReturnType<typeof random>;

/** A small clean day: a few hosts talking on a few ports over the hours. */
export function baseRows(n = 40): FlowRow[] {
  return Array.from({ length: n }, (_, i) => ({
    treceived: `2016-05-05 ${String(i % 24).padStart(2, '0')}:05:14`,
    trhour: i % 24,
    trminute: 5,
    trsec: 14,
    sip: `10.0.0.${i % 7}`,
    dip: `172.16.0.${i % 5}`,
    sport: 1024 + (i % 9) * 1000,
    dport: [80, 443, 53, 22][i % 4],
    proto: i % 3 ? 'TCP' : 'UDP',
    ipkt: 1 + (i % 6),
    ibyt: 60 + i * 37,
  }));
}

/** Valid Parquet whose values are hostile: wrong types, nulls, extremes, huge strings (a REPLACE per column). */
const HOSTILE: readonly string[] = [
  'CAST(NULL AS VARCHAR) AS proto',
  'CAST(NULL AS INTEGER) AS trhour',
  'CAST(NULL AS VARCHAR) AS sip',
  'CASE WHEN random() < 0.5 THEN NULL ELSE sip END AS sip',
  'CAST(6 AS INTEGER) AS proto',
  'CAST(trhour AS VARCHAR) AS trhour',
  "'abc' AS trhour",
  'CAST(sport AS VARCHAR) AS sport',
  'CAST(ibyt AS DOUBLE) / 0 AS ibyt',
  "CAST('NaN' AS DOUBLE) AS ipkt",
  "CAST('inf' AS DOUBLE) AS trhour",
  'CAST(9223372036854775807 AS BIGINT) AS ibyt',
  'CAST(-9223372036854775808 AS BIGINT) AS ipkt',
  'CAST(2147483647 AS INTEGER) AS sport',
  'CAST(-2147483648 AS INTEGER) AS dport',
  'CAST(1e308 AS DOUBLE) AS tdur',
  'CAST(trhour AS DOUBLE) + 0.5 AS trhour',
  'CAST(18446744073709551615 AS UBIGINT) AS ibyt',
  'CAST(170141183460469231731687303715884105727 AS HUGEINT) AS ibyt',
  "repeat('A', 70000) AS sip",
  "repeat('é', 30000) AS dip",
  "'' AS sip",
  "chr(0) || 'x' AS dip",
  "'1_2_3' AS proto",
  "repeat('P', 5000) AS proto",
  'CAST(ibyt AS DECIMAL(18,3)) AS ibyt',
  'CAST(trhour AS TINYINT) AS trhour',
  '[1, 2] AS sport',
  "{'a': 1} AS dport",
  "CAST('2016-05-05' AS DATE) AS treceived",
  'CAST(NULL AS BLOB) AS sip',
];
const DROP = ['sip', 'proto', 'trhour', 'ibyt'];

export interface ParquetCase {
  kind: string;
  path: string;
}

/** Writes one malformed Parquet day (byte-level damage of a valid file, or a hostile but valid file). */
export async function writeParquetCase(engine: DuckDbEngine, rng: Random, valid: Buffer[], path: string): Promise<ParquetCase> {
  const kind = rng.pick(['flip', 'flip', 'truncate', 'zeros', 'hostile', 'hostile', 'hostile', 'utf8', 'drop', 'empty']);
  const damaged = (f: (b: Buffer) => Buffer) => {
    writeFileSync(path, f(Buffer.from(rng.pick(valid))));
    return { kind, path };
  };
  switch (kind) {
    case 'flip':
      return damaged((b) => {
        for (let i = 0, n = 1 + rng.int(20); i < n; i++) b[rng.int(b.length)] ^= 1 + rng.int(255);
        return b;
      });
    case 'truncate':
      return damaged((b) => b.subarray(0, rng.int(b.length)));
    case 'zeros':
      return damaged((b) => {
        const at = rng.int(b.length);
        return b.fill(0, at, Math.min(b.length, at + 1 + rng.int(200)));
      });
    case 'utf8': {
      const marked = baseRows().map((r, i) => (i % 5 === rng.int(5) ? { ...r, sip: 'QQQQQQQQ' } : r));
      await copy(engine, flowRowsSql(marked), path, 'uncompressed');
      return damaged(() => {
        const b = readFileSync(path);
        const bad = [0xff, 0xc3, 0xed, 0x80, 0xfe];
        for (let at = b.indexOf('QQQQQQQQ'); at >= 0; at = b.indexOf('QQQQQQQQ', at + 1)) b[at + rng.int(8)] = rng.pick(bad);
        return b;
      });
    }
    case 'drop':
      await copy(engine, `SELECT * EXCLUDE (${rng.pick(DROP)}) FROM (${flowRowsSql(baseRows())})`, path, 'snappy');
      return { kind, path };
    case 'empty':
      await copy(engine, `SELECT * FROM (${flowRowsSql(baseRows())}) WHERE false`, path, 'zstd');
      return { kind, path };
    default: {
      const replaced = new Map<string, string>();
      for (let i = 0, n = 1 + rng.int(3); i < n; i++) {
        const r = rng.pick(HOSTILE);
        replaced.set(r.slice(r.lastIndexOf(' AS ') + 4), r);
      }
      const sql = `SELECT * REPLACE (${[...replaced.values()].join(', ')}) FROM (${flowRowsSql(baseRows())})`;
      await copy(engine, sql, path, rng.pick(['uncompressed', 'snappy', 'zstd', 'gzip']));
      return { kind: `hostile: ${[...replaced.values()].join('; ')}`, path };
    }
  }
}

async function copy(engine: DuckDbEngine, sql: string, path: string, compression: string): Promise<void> {
  await engine.exec(`COPY (${sql}) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION ${compression})`);
}


/** A valid feedback file for the base day: Spot's header, then low-risk and other ratings of its events. */
export function validFeedback(): string {
  const lines = ['sev,tstart,sip,dip,sport,dport,ipkt,ibyt'];
  baseRows().slice(0, 12).forEach((r, i) =>
    lines.push([1 + (i % 3), r.treceived, r.sip, r.dip, r.sport, r.dport, r.ipkt, r.ibyt].join(',')),
  );
  return lines.join('\n') + '\n';
}

const NASTY = ['"', '""', ',', '\t', '\n', '\r', '\r\n', '\0', '\u00ff', '\ufeff', '\u202e', '\x1b[2J', ' ', '3', '-1', '1e999', 'NaN', '9'.repeat(30), 'é'];

/** Writes one malformed feedback file: a valid one damaged by edits of characters, fields, lines and bytes. */
export function writeFeedbackCase(rng: Random, path: string): string {
  let text = validFeedback();
  const kind = rng.pick(['chars', 'chars', 'lines', 'header', 'bytes', 'huge', 'truncate']);
  switch (kind) {
    case 'chars':
      for (let i = 0, n = 1 + rng.int(15); i < n; i++) {
        const at = rng.int(text.length + 1);
        text = text.slice(0, at) + rng.pick(NASTY) + text.slice(at + rng.int(3));
      }
      break;
    case 'lines': {
      const lines = text.split('\n');
      for (let i = 0, n = 1 + rng.int(6); i < n; i++) {
        const a = rng.int(lines.length);
        const op = rng.int(3);
        if (op === 0) lines.splice(a, 1);
        else if (op === 1) lines.splice(a, 0, lines[rng.int(lines.length)] ?? '');
        else lines[a] = (lines[a] ?? '').split(',').slice(0, rng.int(12)).join(rng.pick([',', '\t', ';']));
      }
      text = lines.join(rng.pick(['\n', '\r\n', '\r']));
      break;
    }
    case 'header':
      text = rng.pick(['', 'sev\n', 'SEV,TSTART,SIP,DIP,SPORT,DPORT,IPKT,IBYT\n', 'a,b,c\n', 'sev,sev,sev,sev\n', '\ufeffsev\ttstart\tsip\tdip\tsport\tdport\tipkt\tibyt\n']) + text.split('\n').slice(1).join('\n');
      break;
    case 'huge':
      text += `3,2016-05-05 00:05:14,${'1'.repeat(200_000)},172.16.0.1,1,2,3,4\n`;
      break;
    case 'truncate':
      text = text.slice(0, rng.int(text.length));
      break;
  }
  let bytes = Buffer.from(text, 'utf8');
  if (kind === 'bytes') {
    bytes = Buffer.from(bytes);
    for (let i = 0, n = 1 + rng.int(30); i < n; i++) bytes[rng.int(bytes.length)] = rng.int(256);
  }
  writeFileSync(path, bytes);
  return kind;
}
