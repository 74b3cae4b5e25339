import type { Format, IngestType } from '../format.js';
import { bluecoat } from './bluecoat.js';
import { nfcapd, nfdumpCsv } from './nfdump-csv.js';
import { squid } from './squid.js';
import { pcap, tsharkCsv } from './tshark.js';
import { zeekConn } from './zeek-conn.js';
import { zeekDns } from './zeek-dns.js';
import { zeekHttp } from './zeek-http.js';

export const FORMATS: readonly Format[] = [nfcapd, nfdumpCsv, zeekConn, pcap, tsharkCsv, zeekDns, bluecoat, squid, zeekHttp];

export function formatsOf(type: IngestType): Format[] {
  return FORMATS.filter((f) => f.type === type);
}
