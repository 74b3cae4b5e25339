import { domainClass, domainParts, entropyBin, NONE } from '../common/domain.js';
import { sqlWord } from '../common/sql-helpers.js';

/** Per-distinct-name features, computed in JavaScript (see analysis.ts), in this column order. */
export const dnsNameFeatures = ['spot_domain_class', 'spot_subdomain_length', 'spot_subdomain_entropy_bin', 'spot_num_parts'];

export function dnsNameFeatureValues(name: string, userDomain: string, topDomains: ReadonlySet<string>): number[] {
  const { domain, subdomain, numParts } = domainParts(name);
  const sub = subdomain === NONE ? '' : subdomain;
  return [domainClass(domain, userDomain, topDomains), sub.length, entropyBin(sub), numParts];
}

/**
 * SQL: of tshark's frame_time (`May  12 2015 11:32:45.5 UTC`), the 4th whitespace-separated token up to its
 * first `:` ('' when there is no 4th token). One regular-expression match per row: splitting the whole
 * text into tokens costs several times more. Read once per row into spot_hour_token (see analysis.ts).
 */
export const dnsHourToken = String.raw`regexp_extract(frame_time, '^\s*\S+\s+\S+\s+\S+\s+([^:\s]*)', 1)`;
const hour = 'spot_hour_text(spot_hour_token)';

/**
 * The DNS word (SPEC §5) over the rows joined to their name's features:
 * domain class, floorLog2(frame_len), hour, floorLog2(subdomain length), subdomain entropy bin,
 * floorLog2(number of name parts), query type, rcode. NULL when the hour cannot be read.
 */
export const dnsWord = sqlWord([
  'spot_domain_class',
  'spot_floor_log2(frame_len)',
  hour,
  ...dnsNameTailParts(),
  'spot_num_text(dns_qry_type)',
  'spot_num_text(dns_qry_rcode)',
]);

/** The word's parts that depend on the name only, after the class (the cluster run ships them to the shards). */
export function dnsNameTailParts(): string[] {
  return ['spot_floor_log2(spot_subdomain_length)', 'spot_subdomain_entropy_bin', 'spot_floor_log2(spot_num_parts)'];
}

const pow2 = (n: number) => `CAST('${(2n ** BigInt(n)).toString()}' AS HUGEINT)`;

/**
 * The DNS word as an integer key (what the day's corpus is counted by, see WordKeys): the name's parts
 * (class, floorLog2 of subdomain length, entropy bin, floorLog2 of part count; 2+5+5+5 bits), then
 * floorLog2(frame_len) (6 bits, any integer width), the hour, and type and rcode offset by 2^31 (33 bits
 * each, so 32-bit columns): a HUGEINT, NULL exactly when the word is.
 */
export const dnsWordKey = `(((((((CAST(spot_domain_class AS HUGEINT) * 32 + spot_floor_log2(spot_subdomain_length)) * 32
    + spot_subdomain_entropy_bin) * 32 + spot_floor_log2(spot_num_parts)) * 64 + spot_floor_log2(frame_len)) * 24
    + TRY_CAST(${hour} AS INTEGER)) * ${pow2(33)} + (dns_qry_type + ${pow2(31)})) * ${pow2(33)} + (dns_qry_rcode + ${pow2(31)}))`;

/** SQL: the word of a DNS word key (the inverse of dnsWordKey). */
export function dnsWordOfKey(key: string): string {
  const field = (below: string, modulus: number | string) => `CAST((${key} // ${below}) % ${modulus} AS VARCHAR)`;
  const hours = `${pow2(66)}`;
  const lens = `(${hours} * 24)`;
  const parts = `(${lens} * 64)`;
  const entropy = `(${parts} * 32)`;
  const sub = `(${entropy} * 32)`;
  const cls = `(${sub} * 32)`;
  return [
    `CAST(${key} // ${cls} AS VARCHAR)`,
    field(lens, 64),
    field(hours, 24),
    field(sub, 32),
    field(entropy, 32),
    field(parts, 32),
    `CAST((${key} // ${pow2(33)}) % ${pow2(33)} - ${pow2(31)} AS VARCHAR)`,
    `CAST(${key} % ${pow2(33)} - ${pow2(31)} AS VARCHAR)`,
  ].join(` || '_' || `);
}
