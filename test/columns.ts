/** DuckDB column types of Spot's DNS and proxy tables (SPEC §2), for writing test inputs. */
export const dnsColumns = {
  frame_time: 'VARCHAR',
  unix_tstamp: 'BIGINT',
  frame_len: 'INTEGER',
  ip_dst: 'VARCHAR',
  dns_qry_name: 'VARCHAR',
  dns_qry_class: 'VARCHAR',
  dns_qry_type: 'INTEGER',
  dns_qry_rcode: 'INTEGER',
};

const text = (names: string[]) => Object.fromEntries(names.map((n) => [n, 'VARCHAR']));

export const proxyColumns = {
  ...text(['p_date', 'p_time', 'clientip', 'host', 'reqmethod', 'useragent', 'resconttype']),
  duration: 'INTEGER',
  ...text(['username', 'webcat', 'referer', 'respcode', 'uriport', 'uripath', 'uriquery', 'serverip']),
  scbytes: 'INTEGER',
  csbytes: 'INTEGER',
  fulluri: 'VARCHAR',
};
