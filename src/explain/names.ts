/** IANA names of DNS query types, classes and response codes, and common service ports, for readable events. */

const DNS_TYPES: Record<number, string> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 13: 'HINFO', 15: 'MX', 16: 'TXT', 17: 'RP', 18: 'AFSDB',
  24: 'SIG', 25: 'KEY', 28: 'AAAA', 29: 'LOC', 33: 'SRV', 35: 'NAPTR', 36: 'KX', 37: 'CERT', 39: 'DNAME',
  41: 'OPT', 42: 'APL', 43: 'DS', 44: 'SSHFP', 45: 'IPSECKEY', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY',
  49: 'DHCID', 50: 'NSEC3', 51: 'NSEC3PARAM', 52: 'TLSA', 53: 'SMIMEA', 55: 'HIP', 59: 'CDS', 60: 'CDNSKEY',
  61: 'OPENPGPKEY', 62: 'CSYNC', 63: 'ZONEMD', 64: 'SVCB', 65: 'HTTPS', 99: 'SPF', 249: 'TKEY', 250: 'TSIG',
  251: 'IXFR', 252: 'AXFR', 255: 'ANY', 256: 'URI', 257: 'CAA',
};

const DNS_RCODES: Record<number, string> = {
  0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED', 6: 'YXDOMAIN',
  7: 'YXRRSET', 8: 'NXRRSET', 9: 'NOTAUTH', 10: 'NOTZONE', 11: 'DSOTYPENI', 16: 'BADVERS', 17: 'BADKEY',
  18: 'BADTIME', 19: 'BADMODE', 20: 'BADNAME', 21: 'BADALG', 22: 'BADTRUNC', 23: 'BADCOOKIE',
};

const DNS_CLASSES: Record<number, string> = { 1: 'IN', 3: 'CH', 4: 'HS', 254: 'NONE', 255: 'ANY' };

const SERVICES: Record<number, string> = {
  20: 'ftp-data', 21: 'ftp', 22: 'ssh', 23: 'telnet', 25: 'smtp', 53: 'dns', 67: 'dhcp', 68: 'dhcp', 69: 'tftp',
  80: 'http', 88: 'kerberos', 110: 'pop3', 123: 'ntp', 135: 'msrpc', 137: 'netbios-ns', 138: 'netbios-dgm',
  139: 'netbios-ssn', 143: 'imap', 161: 'snmp', 162: 'snmptrap', 389: 'ldap', 443: 'https', 445: 'smb',
  465: 'smtps', 500: 'isakmp', 514: 'syslog', 587: 'submission', 636: 'ldaps', 993: 'imaps', 995: 'pop3s',
  1080: 'socks', 1194: 'openvpn', 1433: 'mssql', 1521: 'oracle', 1723: 'pptp', 3128: 'proxy', 3306: 'mysql',
  3389: 'rdp', 4444: 'metasploit?', 5060: 'sip', 5432: 'postgresql', 5900: 'vnc', 6379: 'redis', 6667: 'irc',
  8080: 'http-alt', 8443: 'https-alt', 9200: 'elasticsearch', 27017: 'mongodb',
};

const named = (table: Record<number, string>, value: string | number | null | undefined): string | undefined => {
  if (value === null || value === undefined || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  return Number.isInteger(n) ? table[n] : undefined;
};

/** `TXT`, or `TYPE65534` for a number IANA has not named (RFC 3597's form), or `-` when missing. */
export function dnsTypeName(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '' || Number(value) < 0) return '-';
  return named(DNS_TYPES, value) ?? `TYPE${value}`;
}

export function dnsRcodeName(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '' || Number(value) < 0) return '-';
  return named(DNS_RCODES, value) ?? `RCODE${value}`;
}

/** dns_qry_class as tshark writes it (`0x00000001`) or a number: `IN`, `CLASS<n>`, or the text as given. */
export function dnsClassName(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '' || value === 'unknown') return '-';
  const n = /^0x[0-9a-f]+$/i.test(value) ? parseInt(value, 16) : Number(value);
  if (!Number.isInteger(n)) return value;
  return DNS_CLASSES[n] ?? `CLASS${n}`;
}

/** A well-known service name of a port, if any. */
export function serviceName(port: string | number | null | undefined): string | undefined {
  return named(SERVICES, port);
}

/** `443 (https)` or `52344`. */
export function portLabel(port: string | number | null | undefined): string {
  if (port === null || port === undefined || port === '') return '-';
  const s = serviceName(port);
  return s ? `${port} (${s})` : String(port);
}

/** 1536 → `1.5 KiB`. */
export function humanBytes(value: string | number | null | undefined): string {
  const n = Number(value);
  if (value === null || value === undefined || value === '' || !Number.isFinite(n)) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}
