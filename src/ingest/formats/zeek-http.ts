import type { Format } from '../format.js';
import { extensionSql, fullUriSql, utcText } from '../sql/checks.js';
import { zeekPlan } from './zeek.js';

/**
 * Zeek http.log → proxy. One request/response pair is one row; the client is id.orig_h, the server
 * id.resp_h (serverip) and its port uriport. Zeek logs no duration, category or proxy verdict: those are null.
 */
export const zeekHttp: Format = {
  name: 'zeek-http',
  type: 'proxy',
  description: 'Zeek http.log (TSV with #fields, or JSON lines)',
  plan: (head) =>
    zeekPlan('proxy', 'http', ['ts', 'id.orig_h', 'id.resp_h', 'id.resp_p', 'method', 'host', 'uri'], head, (z, c) => {
      const when = utcText(z.seconds('ts'));
      const host = `coalesce(${z.get('host')}, ${z.get('id.resp_h')}, '-')`;
      const uri = `coalesce(${z.get('uri')}, '/')`;
      const q = `strpos(${uri}, '?')`;
      const path = `CASE WHEN ${q} = 0 THEN ${uri} ELSE left(${uri}, ${q} - 1) END`;
      const query = `CASE WHEN ${q} = 0 THEN '-' ELSE substr(${uri}, ${q}) END`;
      const status = z.get('status_code');
      const port = z.get('id.resp_p');
      c.int(port, 'id.resp_p', 0, 65535);
      return {
        values: {
          p_date: `left(${when}, 10)`,
          p_time: `right(${when}, 8)`,
          clientip: c.text(z.get('id.orig_h'), 'id.orig_h'),
          host,
          reqmethod: `coalesce(${z.get('method')}, '-')`,
          useragent: `coalesce(${z.get('user_agent')}, '-')`,
          resconttype: `coalesce(${z.first('resp_mime_types')}, '-')`,
          username: `coalesce(${z.get('username')}, '-')`,
          referer: `coalesce(${z.get('referrer')}, '-')`,
          respcode: `CASE WHEN ${status} IS NULL THEN '-' ELSE ${status} END`,
          // (checked: a status code 0..999 when present)
          ...(c.only(`${status} IS NOT NULL`, () => c.int(status, 'status_code', 0, 999)) && {}),
          urischeme: `'http'`,
          uriport: port,
          uripath: path,
          uriquery: query,
          uriextension: extensionSql(path),
          serverip: `coalesce(${z.get('id.resp_h')}, '-')`,
          scbytes: c.int(`coalesce(${z.get('response_body_len')}, '0')`, 'response_body_len'),
          csbytes: c.int(`coalesce(${z.get('request_body_len')}, '0')`, 'request_body_len'),
          fulluri: fullUriSql(host, path, query),
        },
      };
    }),
};
