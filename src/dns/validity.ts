/** SQL: the text is present and not one of the placeholders. Never NULL. */
export const usableText = (column: string, placeholders: readonly string[]) =>
  `coalesce(${column} NOT IN (${placeholders.map((p) => `'${p}'`).join(', ')}), false)`;

/**
 * A DNS row is clean (SPEC §3) when its time, length, client and query name are usable and at least one
 * of class, type and rcode is. Null-safe: never NULL.
 */
export const dnsCleanPredicate = `(
  ${usableText('frame_time', ['', '-'])}
  AND spot_nonneg(unix_tstamp) AND spot_nonneg(frame_len)
  AND ${usableText('dns_qry_name', ['', '-', '(empty)'])}
  AND ${usableText('ip_dst', ['', '-'])}
  AND (${usableText('dns_qry_class', ['', '-'])} OR dns_qry_type IS NOT NULL OR spot_nonneg(dns_qry_rcode))
)`;

/** Spot's fills for clean rows (SPEC §3), as a `REPLACE` list over the input columns. */
export const dnsFills = `coalesce(dns_qry_class, 'unknown') AS dns_qry_class,
  coalesce(dns_qry_type, -1) AS dns_qry_type, coalesce(dns_qry_rcode, -1) AS dns_qry_rcode`;
