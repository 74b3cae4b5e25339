/**
 * A flow row is clean when (SPEC §3) its time fields are whole numbers in range and its endpoints and
 * counters are usable (a fractional hour stored as a double would make a word like `…_2.5_…`).
 */
export const flowCleanPredicate = `(
  coalesce(trhour BETWEEN 0 AND 23 AND trhour = round(trhour), false)
  AND coalesce(trminute BETWEEN 0 AND 59 AND trminute = round(trminute), false)
  AND coalesce(trsec BETWEEN 0 AND 59 AND trsec = round(trsec), false)
  AND treceived IS NOT NULL AND sip IS NOT NULL AND dip IS NOT NULL
  AND spot_nonneg(sport) AND spot_nonneg(dport) AND spot_nonneg(ibyt) AND spot_nonneg(ipkt)
)`;
