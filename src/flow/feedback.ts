import { sqlIdent } from '../engine/engine.js';
import type { AnalysisFeedback } from '../pipeline/analysis.js';
import type { FeedbackLayout } from '../feedback/layout.js';
import { flowResultColumns } from './schema.js';

/**
 * Flow's ml_feedback.csv (SPEC §6): Spot's front end wrote `sev,tstart,sip,dip,sport,dport,ipkt,ibyt`;
 * `srcIP`/`dstIP` are accepted for the addresses, and a `proto` column when present.
 */
export const flowFeedbackLayout: FeedbackLayout = {
  type: 'flow',
  rating: 'sev',
  columns: [
    { name: 'sev', kind: 'rating', position: 0 },
    { name: 'tstart', kind: 'dateTime', position: 1, fromResults: 'treceived' },
    { name: 'sip', aliases: ['srcIP'], kind: 'text', position: 2 },
    { name: 'dip', aliases: ['dstIP'], kind: 'text', position: 3 },
    { name: 'sport', kind: 'int', position: 4 },
    { name: 'dport', kind: 'int', position: 5 },
    { name: 'ipkt', kind: 'long', position: 6 },
    { name: 'ibyt', kind: 'long', position: 7 },
    { name: 'proto', kind: 'text', nullable: true },
  ],
  resultsColumns: [...flowResultColumns, 'score'],
};

const TSTART = `'^(\\d{4})-(\\d{1,2})-(\\d{1,2})[ T](\\d{1,2}):(\\d{2}):(\\d{2})'`;
const tstartPart = (group: number, name: string) =>
  `CAST(regexp_extract(tstart, ${TSTART}, ${group}) AS INTEGER) AS ${sqlIdent(name)}`;

/**
 * Feedback rows as flow input rows: the time fields from `tstart`. A row without a protocol takes it from
 * the day's clean record with the same sip, dip, sport, dport, ipkt, ibyt and hour. Spot's front end wrote
 * the byte count under the `ipkt` header and the packet count under `ibyt`, so a record with the two
 * swapped also matches (an exact match is preferred), and then the record's own counts are used.
 */
export const flowFeedback: AnalysisFeedback = {
  layout: flowFeedbackLayout,
  readsDayEvents: true,
  unmatchedReason: 'no flow of the day has its sip, dip, sport, dport, ipkt, ibyt and hour, so its protocol is unknown',
  inputRowsSql: (rows) => `
    WITH fb AS (
      SELECT spot_line, tstart AS treceived, ${tstartPart(1, 'tryear')}, ${tstartPart(2, 'trmonth')},
        ${tstartPart(3, 'trday')}, ${tstartPart(4, 'trhour')}, ${tstartPart(5, 'trminute')}, ${tstartPart(6, 'trsec')},
        CAST(NULL AS DOUBLE) AS tdur, sip, dip, sport, dport, proto, ipkt, ibyt,
        CAST(NULL AS BIGINT) AS opkt, CAST(NULL AS BIGINT) AS obyt
      FROM ${rows}
    ), matched AS (
      SELECT f.spot_line, d.proto, d.ipkt, d.ibyt,
        row_number() OVER (PARTITION BY f.spot_line
          ORDER BY (d.ipkt = f.ipkt AND d.ibyt = f.ibyt) DESC, d.proto, d.ipkt, d.ibyt) AS pick
      FROM fb f JOIN input_view d
        ON d.spot_clean AND d.proto IS NOT NULL AND d.sip = f.sip AND d.dip = f.dip AND d.sport = f.sport
        AND d.dport = f.dport AND d.trhour = f.trhour
        AND ((d.ipkt = f.ipkt AND d.ibyt = f.ibyt) OR (d.ipkt = f.ibyt AND d.ibyt = f.ipkt))
      WHERE f.proto IS NULL
    )
    SELECT * FROM fb WHERE proto IS NOT NULL
    UNION ALL BY NAME
    SELECT f.* REPLACE (m.proto AS proto, CAST(m.ipkt AS BIGINT) AS ipkt, CAST(m.ibyt AS BIGINT) AS ibyt)
    FROM fb f JOIN matched m ON m.spot_line = f.spot_line AND m.pick = 1`,
};
