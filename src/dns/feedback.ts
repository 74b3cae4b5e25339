import type { FeedbackLayout } from '../feedback/layout.js';

/**
 * DNS's ml_feedback.csv (SPEC §6), the 18 columns Spot's front end wrote; the rating is `dns_sev`.
 * The model reads the query's fields (those of the dns input); the rest are carried, not read.
 */
export const dnsFeedbackLayout: FeedbackLayout = {
  type: 'dns',
  rating: 'dns_sev',
  columns: [
    { name: 'frame_time', kind: 'tsharkTime', position: 0 },
    { name: 'frame_len', kind: 'int', position: 1 },
    { name: 'ip_dst', kind: 'text', position: 2 },
    { name: 'dns_qry_name', kind: 'text', position: 3 },
    { name: 'dns_qry_class', kind: 'text', position: 4, nullable: true },
    { name: 'dns_qry_type', kind: 'int', position: 5, nullable: true },
    { name: 'dns_qry_rcode', kind: 'int', position: 6, nullable: true },
    { name: 'score', kind: 'ignored', position: 7 },
    { name: 'tld', kind: 'ignored', position: 8 },
    { name: 'query_rep', kind: 'ignored', position: 9 },
    { name: 'hh', kind: 'ignored', position: 10 },
    { name: 'ip_sev', kind: 'ignored', position: 11 },
    { name: 'dns_sev', kind: 'rating', position: 12 },
    { name: 'dns_qry_class_name', kind: 'ignored', position: 13 },
    { name: 'dns_qry_type_name', kind: 'ignored', position: 14 },
    { name: 'dns_qry_rcode_name', kind: 'ignored', position: 15 },
    { name: 'network_context', kind: 'ignored', position: 16 },
    { name: 'unix_tstamp', kind: 'long', position: 17 },
  ],
  resultsColumns: [
    'frame_time', 'unix_tstamp', 'frame_len', 'ip_dst', 'dns_qry_name', 'dns_qry_class', 'dns_qry_type',
    'dns_qry_rcode', 'score',
  ],
};
