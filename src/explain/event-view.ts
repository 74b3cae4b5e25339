import type { AnalysisType } from '../pipeline/analysis.js';
import { dnsClassName, dnsRcodeName, dnsTypeName, humanBytes, portLabel } from './names.js';

export interface LabelledField {
  label: string;
  value: string;
}

type Fields = Record<string, string | null | undefined>;
const v = (f: Fields, name: string) => f[name] ?? '';

/** An event's readable, labelled columns (the analyst's view of a results row). */
export function labelledFields(type: AnalysisType, f: Fields): LabelledField[] {
  if (type === 'flow') {
    return [
      { label: 'time', value: v(f, 'treceived') },
      { label: 'source', value: `${v(f, 'sip')} : ${portLabel(f.sport)}` },
      { label: 'destination', value: `${v(f, 'dip')} : ${portLabel(f.dport)}` },
      { label: 'protocol', value: v(f, 'proto') },
      { label: 'in', value: `${humanBytes(f.ibyt)}, ${v(f, 'ipkt')} packets` },
      { label: 'out', value: `${humanBytes(f.obyt)}, ${v(f, 'opkt')} packets` },
      { label: 'duration', value: `${v(f, 'tdur')} s` },
    ];
  }
  if (type === 'dns') {
    return [
      { label: 'time', value: v(f, 'frame_time') },
      { label: 'client', value: v(f, 'ip_dst') },
      { label: 'name', value: v(f, 'dns_qry_name') },
      { label: 'class', value: dnsClassName(f.dns_qry_class) },
      { label: 'type', value: `${dnsTypeName(f.dns_qry_type)} (${v(f, 'dns_qry_type')})` },
      { label: 'rcode', value: `${dnsRcodeName(f.dns_qry_rcode)} (${v(f, 'dns_qry_rcode')})` },
      { label: 'frame length', value: humanBytes(f.frame_len) },
    ];
  }
  return [
    { label: 'time', value: `${v(f, 'p_date')} ${v(f, 'p_time')}` },
    { label: 'client', value: v(f, 'clientip') },
    { label: 'host', value: v(f, 'host') },
    { label: 'method', value: v(f, 'reqmethod') },
    { label: 'URI', value: v(f, 'fulluri') },
    { label: 'agent', value: v(f, 'useragent') },
    { label: 'response', value: v(f, 'respcode') },
    { label: 'content type', value: v(f, 'resconttype') },
    { label: 'bytes', value: `${humanBytes(f.scbytes)} down, ${humanBytes(f.csbytes)} up` },
  ];
}

/** The results columns that hold the event's IPs (for --ip and the IP view). */
export function ipColumns(type: AnalysisType): string[] {
  return type === 'flow' ? ['sip', 'dip'] : type === 'dns' ? ['ip_dst'] : ['clientip'];
}

/** 3.2e-7 → `3.200e-7`. */
export function formatScore(score: number): string {
  return score.toExponential(3);
}
