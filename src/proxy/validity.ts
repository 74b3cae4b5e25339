/** A proxy row is clean (SPEC §3) when its date, time, client, host and URI are present. Never NULL. */
export const proxyCleanPredicate = `(
  p_date IS NOT NULL AND p_time IS NOT NULL AND clientip IS NOT NULL AND host IS NOT NULL AND fulluri IS NOT NULL
)`;

/** Spot's fills for clean rows (SPEC §3), as a `REPLACE` list over the input columns. */
export const proxyFills = `coalesce(useragent, '-') AS useragent, coalesce(resconttype, '-') AS resconttype`;
