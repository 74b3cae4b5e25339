/**
 * Flow words (SPEC §5): `port_proto_hour_b_p` with b = ceilLog2(ibyt + 1), p = ceilLog2(ipkt + 1), where
 * the port and the `-1_` prefix depend on which side of the connection is the well-known service.
 * Each event gives one word to its source IP and one to its destination IP.
 */

/** [condition, port, which side gets the `-1_` prefix (0 neither, 1 source, 2 destination)], first match wins. */
const rules: readonly [string, string, 0 | 1 | 2][] = [
  ['sport = 0 AND dport = 0', "'0'", 0],
  ['dport = 0 AND sport > 0', 'spot_num_text(sport)', 1],
  ['sport = 0 AND dport > 0', 'spot_num_text(dport)', 2],
  ['sport <= 1024 AND dport <= 1024', "'111111'", 0],
  ['sport <= 1024 AND dport > 1024', 'spot_num_text(sport)', 1],
  ['dport <= 1024 AND sport > 1024', 'spot_num_text(dport)', 2],
  ['true', "'333333'", 0],
];

/** The rule, the port text and the common `_proto_hour_b_p` tail, computed once per event and shared by both words. */
const partsSql = `
  CASE ${rules.map((r, i) => `WHEN ${r[0]} THEN ${i}`).join(' ')} END AS spot_flow_rule,
  CASE ${rules.map((r) => `WHEN ${r[0]} THEN ${r[1]}`).join(' ')} END AS spot_flow_port,
  '_' || proto || '_' || spot_num_text(trhour) || '_' || CAST(spot_ceil_log2(ibyt + 1) AS VARCHAR) || '_' ||
    CAST(spot_ceil_log2(ipkt + 1) AS VARCHAR) AS spot_flow_tail`;

const wordFromParts = (side: 1 | 2) => {
  const prefixed = rules.flatMap((r, i) => (r[2] === side ? [i] : []));
  return `CASE WHEN spot_flow_rule IN (${prefixed.join(', ')}) THEN '-1_' || spot_flow_port || spot_flow_tail ` +
    `ELSE spot_flow_port || spot_flow_tail END`;
};

/**
 * SQL selecting every column of `relation` plus `spot_word_src` (the source IP's word) and `spot_word_dst`
 * (the destination IP's word), NULL where `when` is false or the word cannot be formed (no protocol).
 */
export function withFlowWords(relation: string, when = 'true'): string {
  return `SELECT * EXCLUDE (spot_flow_rule, spot_flow_port, spot_flow_tail),
      CASE WHEN ${when} THEN ${wordFromParts(1)} END AS spot_word_src,
      CASE WHEN ${when} THEN ${wordFromParts(2)} END AS spot_word_dst
    FROM (SELECT *, ${partsSql} FROM ${relation})`;
}
