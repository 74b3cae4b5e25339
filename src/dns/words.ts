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
  'spot_floor_log2(spot_subdomain_length)',
  'spot_subdomain_entropy_bin',
  'spot_floor_log2(spot_num_parts)',
  'spot_num_text(dns_qry_type)',
  'spot_num_text(dns_qry_rcode)',
]);
