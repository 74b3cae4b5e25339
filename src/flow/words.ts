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

/** [condition, source word, destination word], first match wins. */
const rules: readonly [string, string, string][] = [
  ['sport = 0 AND dport = 0', base("'0'"), base("'0'")],
  ['dport = 0 AND sport > 0', `'-1_' || ${base(sportText)}`, base(sportText)],
  ['sport = 0 AND dport > 0', base(dportText), `'-1_' || ${base(dportText)}`],
  ['sport <= 1024 AND dport <= 1024', base("'111111'"), base("'111111'")],
  ['sport <= 1024 AND dport > 1024', `'-1_' || ${base(sportText)}`, base(sportText)],
  ['dport <= 1024 AND sport > 1024', base(dportText), `'-1_' || ${base(dportText)}`],
  ['true', base("'333333'"), base("'333333'")],
];

function wordCase(pick: 1 | 2): string {
  return `CASE ${rules.map((r) => `WHEN ${r[0]} THEN ${r[pick]}`).join(' ')} END`;
}

/** SQL for the source IP's word; NULL when it cannot be formed (no protocol). */
export const flowSourceWord = wordCase(1);
/** SQL for the destination IP's word. */
export const flowDestinationWord = wordCase(2);
