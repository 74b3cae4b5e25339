/** A flow row is clean when (SPEC §3) its time fields are in range and its endpoints and counters are usable. */
export const flowCleanPredicate = `(
  coalesce(trhour BETWEEN 0 AND 23, false)
  AND coalesce(trminute BETWEEN 0 AND 59, false)
  AND coalesce(trsec BETWEEN 0 AND 59, false)
  AND treceived IS NOT NULL AND sip IS NOT NULL AND dip IS NOT NULL
  AND spot_nonneg(sport) AND spot_nonneg(dport) AND spot_nonneg(ibyt) AND spot_nonneg(ipkt)
)`;
