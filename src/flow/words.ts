/**
 * Flow words (SPEC §5): `port_proto_hour_b_p` with b = ceilLog2(ibyt + 1), p = ceilLog2(ipkt + 1), where
 * the port and the `-1_` prefix depend on which side of the connection is the well-known service.
 * Each event gives one word to its source IP and one to its destination IP.
 */

import { sqlList, sqlString } from '../engine/engine.js';

/**
 * [condition, port text, which side gets the `-1_` prefix (0 neither, 1 source, 2 destination), port
 * number (NULL for the fixed texts)], first match wins.
 */
export const rules: readonly [string, string, 0 | 1 | 2, string][] = [
  ['sport = 0 AND dport = 0', "'0'", 0, 'NULL'],
  ['dport = 0 AND sport > 0', 'spot_num_text(sport)', 1, 'sport'],
  ['sport = 0 AND dport > 0', 'spot_num_text(dport)', 2, 'dport'],
  ['sport <= 1024 AND dport <= 1024', "'111111'", 0, 'NULL'],
  ['sport <= 1024 AND dport > 1024', 'spot_num_text(sport)', 1, 'sport'],
  ['dport <= 1024 AND sport > 1024', 'spot_num_text(dport)', 2, 'dport'],
  ['true', "'333333'", 0, 'NULL'],
];

/** The rule, the port text and the common `_proto_hour_b_p` tail, computed once per event and shared by both words. */
const partsSql = `
  CASE ${rules.map((r, i) => `WHEN ${r[0]} THEN ${i}`).join(' ')} END AS spot_flow_rule,
  CASE ${rules.map((r) => `WHEN ${r[0]} THEN ${r[1]}`).join(' ')} END AS spot_flow_port,
  CASE ${rules.map((r) => `WHEN ${r[0]} THEN ${r[3]}`).join(' ')} END AS spot_flow_port_num,
  '_' || proto || '_' || spot_num_text(trhour) || '_' || CAST(spot_ceil_log2(CAST(ibyt AS DOUBLE) + 1) AS VARCHAR) || '_' ||
    CAST(spot_ceil_log2(CAST(ipkt AS DOUBLE) + 1) AS VARCHAR) AS spot_flow_tail`;

/** SQL: the event's rule gives `side` the `-1_` prefix. */
const prefixedOn = (side: 1 | 2) => `spot_flow_rule IN (${rules.flatMap((r, i) => (r[2] === side ? [i] : [])).join(', ')})`;

const wordFromParts = (side: 1 | 2) =>
  `CASE WHEN ${prefixedOn(side)} THEN '-1_' || spot_flow_port || spot_flow_tail ELSE spot_flow_port || spot_flow_tail END`;

/**
 * Integer word keys (what the day's corpus is counted by, see WordKeys): the word's parts packed in a
 * BIGINT, with `protos` the day's protocols. Port code: 0 for '0', 1 for '111111', 2 for '333333', port + 2
 * otherwise (ports are at least 1 under those rules and at most 32 bits); then the protocol's position,
 * the hour (0..23), b and p (at most 64 for 64-bit counters) and the `-1_` prefix bit: 32+6+5+7+7+1 bits.
 */
const PROTO_SLOTS = 64;

/**
 * The port code and which side gets the `-1_` prefix, in one CASE over the rules (the costly part of
 * computing keys for every event of the day): port code × 4 + 1 when the source is prefixed, + 2 when the
 * destination is.
 */
const FIXED_PORT_CODES: Record<string, number> = { "'0'": 0, "'111111'": 1, "'333333'": 2 };
const codeSql = `CASE ${rules
  .map(([when, text, side, num]) => {
    const code = num === 'NULL' ? String(FIXED_PORT_CODES[text] * 4) : `(CAST(${num} AS BIGINT) + 2) * 4`;
    const value = side === 0 ? code : `${code} + ${side}`;
    return when === 'true' ? `ELSE ${value}` : `WHEN ${when} THEN ${value}`;
  })
  .join(' ')} END`;

const keyPartsSql = (protos: readonly string[]) => `
  (((((spot_flow_code >> 2) * ${PROTO_SLOTS} + ${protoIndexSql(protos)})
    * 24 + trhour) * 128 + spot_ceil_log2(CAST(ibyt AS DOUBLE) + 1)) * 128 + spot_ceil_log2(CAST(ipkt AS DOUBLE) + 1)) * 2`;

const keyFromParts = (side: 1 | 2) => `spot_flow_key + ((spot_flow_code >> ${side - 1}) & 1)`;

/** The protocol's position in `protos`; NULL (no word) when the day has no protocol at all (proto NULL on every row). */
function protoIndexSql(protos: readonly string[]): string {
  if (protos.length === 0) return 'CAST(NULL AS BIGINT)';
  return `CASE proto ${protos.map((p, i) => `WHEN ${sqlString(p)} THEN ${i}`).join(' ')} END`;
}

/** The most protocols a day may have for its words to be counted by integer keys. */
export const MAX_KEYED_PROTOS = PROTO_SLOTS;

/** SQL: the word of a flow word key made with `protos` (the inverse of the packing above). */
export function flowWordOfKey(key: string, protos: readonly string[]): string {
  const part = (divisor: number, modulus: number) => `CAST((${key} // ${divisor}) % ${modulus} AS VARCHAR)`;
  const port = `(${key} // ${2 * 128 * 128 * 24 * PROTO_SLOTS})`;
  return `CASE WHEN ${key} % 2 = 1 THEN '-1_' ELSE '' END ||
    CASE ${port} WHEN 0 THEN '0' WHEN 1 THEN '111111' WHEN 2 THEN '333333' ELSE CAST(${port} - 2 AS VARCHAR) END || '_' ||
    ${sqlList(protos)}[1 + (${key} // ${2 * 128 * 128 * 24}) % ${PROTO_SLOTS}] || '_' ||
    ${part(2 * 128 * 128, 24)} || '_' || ${part(2 * 128, 128)} || '_' || ${part(2, 128)}`;
}

/**
 * SQL selecting every column of `relation` plus `spot_word_src` (the source IP's word) and `spot_word_dst`
 * (the destination IP's word), NULL where `when` is false or the word cannot be formed (no protocol).
 */
export function withFlowWords(relation: string, when = 'true', protos?: readonly string[]): string {
  const keys = protos
    ? `, CASE WHEN ${when} THEN ${keyFromParts(1)} END AS spot_key_src, CASE WHEN ${when} THEN ${keyFromParts(2)} END AS spot_key_dst`
    : '';
  const keyParts = protos ? `, ${keyPartsSql(protos)} AS spot_flow_key` : '';
  const code = protos ? `, ${codeSql} AS spot_flow_code` : '';
  return `SELECT * EXCLUDE (spot_flow_rule, spot_flow_port, spot_flow_port_num, spot_flow_tail${protos ? ', spot_flow_code, spot_flow_key' : ''}),
      CASE WHEN ${when} THEN ${wordFromParts(1)} END AS spot_word_src,
      CASE WHEN ${when} THEN ${wordFromParts(2)} END AS spot_word_dst ${keys}
    FROM (SELECT *${keyParts} FROM (SELECT *, ${partsSql}${code} FROM ${relation}))`;
}
