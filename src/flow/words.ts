/**
 * Flow words (SPEC §5): `port_proto_hour_b_p` with b = ceilLog2(ibyt + 1), p = ceilLog2(ipkt + 1), where
 * the port and the `-1_` prefix depend on which side of the connection is the well-known service.
 * Each event gives one word to its source IP and one to its destination IP.
 */
const base = (port: string) =>
  `${port} || '_' || proto || '_' || spot_num_text(trhour) || '_' || ` +
  `CAST(spot_ceil_log2(ibyt + 1) AS VARCHAR) || '_' || CAST(spot_ceil_log2(ipkt + 1) AS VARCHAR)`;

const sportText = 'spot_num_text(sport)';
const dportText = 'spot_num_text(dport)';

/** [condition, port, which side gets the `-1_` prefix (0 neither, 1 source, 2 destination)], first match wins. */
const rules: readonly [string, string, 0 | 1 | 2][] = [
  ['sport = 0 AND dport = 0', "'0'", 0],
  ['dport = 0 AND sport > 0', sportText, 1],
  ['sport = 0 AND dport > 0', dportText, 2],
  ['sport <= 1024 AND dport <= 1024', "'111111'", 0],
  ['sport <= 1024 AND dport > 1024', sportText, 1],
  ['dport <= 1024 AND sport > 1024', dportText, 2],
  ['true', "'333333'", 0],
];

function wordCase(pick: 1 | 2): string {
  return `CASE ${rules.map((r) => `WHEN ${r[0]} THEN ${r[2] === pick ? `'-1_' || ` : ''}${base(r[1])}`).join(' ')} END`;
}

/** SQL for the source IP's word; NULL when it cannot be formed (no protocol). */
export const flowSourceWord = wordCase(1);
/** SQL for the destination IP's word. */
export const flowDestinationWord = wordCase(2);

/**
 * The same two words computed together (for the featurised view): the rule, the port text and the
 * common `_proto_hour_b_p` tail are computed once per event, and each word is `[-1_]port || tail`.
 * Column names: spot_flow_rule (0..6), spot_flow_port, spot_flow_tail; the words then follow from
 * flowSourceWordFromParts / flowDestinationWordFromParts.
 */
export const flowWordPartsSql = `
  CASE ${rules.map((r, i) => `WHEN ${r[0]} THEN ${i}`).join(' ')} END AS spot_flow_rule,
  CASE ${rules.map((r) => `WHEN ${r[0]} THEN ${r[1]}`).join(' ')} END AS spot_flow_port,
  '_' || proto || '_' || spot_num_text(trhour) || '_' || CAST(spot_ceil_log2(ibyt + 1) AS VARCHAR) || '_' ||
    CAST(spot_ceil_log2(ipkt + 1) AS VARCHAR) AS spot_flow_tail`;

const prefixedRules = (side: 1 | 2) => rules.map((r, i) => [r, i] as const).filter(([r]) => r[2] === side).map(([, i]) => i);
const fromParts = (side: 1 | 2) =>
  `CASE WHEN spot_flow_rule IN (${prefixedRules(side).join(', ')}) THEN '-1_' || spot_flow_port || spot_flow_tail ` +
  `ELSE spot_flow_port || spot_flow_tail END`;
export const flowSourceWordFromParts = fromParts(1);
export const flowDestinationWordFromParts = fromParts(2);
