import { domainClass, domainParts, entropyBin } from '../common/domain.js';
import { sqlWord } from '../common/sql-helpers.js';

export const proxyHostFeatures = ['spot_host_class'];

/** Host class (SPEC §5) of a proxy `host`; a trailing `:port` (CONNECT requests) is not part of the name. */
export function proxyHostFeatureValues(host: string, userDomain: string, topDomains: ReadonlySet<string>): number[] {
  const name = host.replace(/:\d+$/, '');
  return [domainClass(domainParts(name).domain, userDomain, topDomains)];
}

export const proxyUriFeatures = ['spot_uri_entropy_bin', 'spot_uri_length'];

export function proxyUriFeatureValues(uri: string): number[] {
  return [entropyBin(uri), uri.length];
}

/** The word's parts from per-value features (the cluster run computes them once per value). */
export const PROXY_WORD_PARTS = {
  hostClass: 'spot_host_class',
  uriEntropy: 'spot_uri_entropy_bin',
  uriLength: 'spot_floor_log2(spot_uri_length)',
  agent: (count: string) => `spot_floor_log2(${count})`,
};

/**
 * The proxy word (SPEC §5) over the rows joined to their host, URI and user-agent features:
 * host class, hour, method, URI entropy bin, content-type family, floorLog2(user-agent count),
 * floorLog2(URI length), response code. NULL when the hour cannot be read.
 */
export const proxyWord = sqlWord([
  'spot_host_class',
  `spot_hour_text(split_part(p_time, ':', 1))`,
  `coalesce(reqmethod, '-')`,
  PROXY_WORD_PARTS.uriEntropy,
  `split_part(resconttype, '/', 1)`,
  PROXY_WORD_PARTS.agent('spot_agent_count'),
  PROXY_WORD_PARTS.uriLength,
  `coalesce(respcode, 'unknown_response_code')`,
]);
