import type { AnalysisType } from '../pipeline/analysis.js';
import { dnsRcodeName, dnsTypeName, portLabel } from './names.js';

/** One part of a word, in plain terms. */
export interface WordPart {
  part: string;
  value: string;
  meaning: string;
}

/** The ranges of a log2 bin: ceilLog2(x + 1) = b (flow bytes, packets). */
function ceilLog2Range(b: number, unit: string): string {
  if (b <= 0) return `0 ${unit}`;
  const lo = 2 ** (b - 1);
  const hi = 2 ** b - 1;
  return lo === hi ? `${lo} ${unit}` : `${lo}–${hi} ${unit}`;
}

/** floorLog2(x) = f (0 for x = 0 or 1): DNS frame length, subdomain length, name parts; proxy counts and lengths. */
function floorLog2Range(f: number, unit: string): string {
  if (f <= 0) return `0–1 ${unit}`;
  return `${2 ** f}–${2 ** (f + 1) - 1} ${unit}`;
}

function entropyRange(bin: number): string {
  if (bin <= 0) return 'entropy 0 (empty or one repeated character)';
  const hi = bin * 0.3;
  return bin >= 19 ? 'entropy above 5.4 bits' : `entropy in (${(hi - 0.3).toFixed(1)}, ${hi.toFixed(1)}] bits per character`;
}

const DOMAIN_CLASS = ['other (not in the top-domains list)', 'popular (in the top-domains list)', "yours (the user's domain)"];

/** The parts of a flow word `[-1_]port_proto_hour_b_p` (src/flow/words.ts). */
export function decodeFlowWord(word: string): WordPart[] {
  const own = word.startsWith('-1_');
  const parts = (own ? word.slice(3) : word).split('_');
  if (parts.length < 5) return [{ part: 'word', value: word, meaning: 'not a flow word' }];
  const [port] = parts;
  const [hour, b, p] = parts.slice(-3);
  const proto = parts.slice(1, -3).join('_');
  const portMeaning =
    port === '0'
      ? 'both ports 0'
      : port === '111111'
        ? 'both ports ≤ 1024 (two service ports)'
        : port === '333333'
          ? 'both ports > 1024 (no service port)'
          : own
            ? `this IP's own port ${portLabel(port)} was the service side (the other port was 0 or above 1024)`
            : `the peer's port ${portLabel(port)} was the service side; this IP used a high or zero port`;
  return [
    { part: 'port rule', value: own ? `-1_${port}` : port, meaning: portMeaning },
    { part: 'protocol', value: proto, meaning: proto },
    { part: 'hour', value: hour, meaning: `${hour.padStart(2, '0')}:00–${hour.padStart(2, '0')}:59` },
    { part: 'bytes bin', value: b, meaning: ceilLog2Range(Number(b), 'bytes in') },
    { part: 'packets bin', value: p, meaning: ceilLog2Range(Number(p), 'packets in') },
  ];
}

/** The parts of a DNS word `class_framelen_hour_sublen_entropy_parts_type_rcode` (src/dns/words.ts). */
export function decodeDnsWord(word: string): WordPart[] {
  const m = /^(-?\d+)_(-?\d+)_(\d+)_(-?\d+)_(-?\d+)_(-?\d+)_(-?\d+)_(-?\d+)$/.exec(word);
  if (!m) return [{ part: 'word', value: word, meaning: 'not a DNS word' }];
  const [, cls, len, hour, sub, ent, parts, type, rcode] = m;
  return [
    { part: 'domain class', value: cls, meaning: DOMAIN_CLASS[Number(cls)] ?? 'unknown' },
    { part: 'frame length bin', value: len, meaning: floorLog2Range(Number(len), 'bytes') },
    { part: 'hour', value: hour, meaning: `${hour.padStart(2, '0')}:00–${hour.padStart(2, '0')}:59` },
    { part: 'subdomain length bin', value: sub, meaning: floorLog2Range(Number(sub), 'characters') },
    { part: 'subdomain entropy bin', value: ent, meaning: entropyRange(Number(ent)) },
    { part: 'name parts bin', value: parts, meaning: floorLog2Range(Number(parts), 'dot-separated parts') },
    { part: 'query type', value: type, meaning: dnsTypeName(type) },
    { part: 'response code', value: rcode, meaning: dnsRcodeName(rcode) },
  ];
}

/** The parts of a proxy word `hostclass_hour_method_urientropy_contenttype_agents_urilength_respcode` (src/proxy/words.ts). */
export function decodeProxyWord(word: string): WordPart[] {
  const unknownCode = '_unknown_response_code';
  const code = word.endsWith(unknownCode) ? 'unknown_response_code' : word.slice(word.lastIndexOf('_') + 1);
  const rest = word.slice(0, word.length - code.length - 1).split('_');
  if (rest.length < 7) return [{ part: 'word', value: word, meaning: 'not a proxy word' }];
  const [cls, hour] = rest;
  const [entropy, ctype, agents, uriLen] = rest.slice(-4);
  const method = rest.slice(2, -4).join('_');
  return [
    { part: 'host class', value: cls, meaning: DOMAIN_CLASS[Number(cls)] ?? 'unknown' },
    { part: 'hour', value: hour, meaning: `${hour.padStart(2, '0')}:00–${hour.padStart(2, '0')}:59` },
    { part: 'method', value: method, meaning: method },
    { part: 'URI entropy bin', value: entropy, meaning: entropyRange(Number(entropy)) },
    { part: 'content type', value: ctype, meaning: ctype === '' || ctype === '-' ? 'none given' : `${ctype}/…` },
    { part: 'user-agent count bin', value: agents, meaning: `agent seen in ${floorLog2Range(Number(agents), 'requests of the day')}` },
    { part: 'URI length bin', value: uriLen, meaning: floorLog2Range(Number(uriLen), 'characters') },
    { part: 'response code', value: code, meaning: code === 'unknown_response_code' ? 'none given' : `HTTP ${code}` },
  ];
}

export function decodeWord(type: AnalysisType, word: string): WordPart[] {
  return type === 'flow' ? decodeFlowWord(word) : type === 'dns' ? decodeDnsWord(word) : decodeProxyWord(word);
}
