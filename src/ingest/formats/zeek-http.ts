import type { Format } from '../format.js';
import { extensionOf, fullUri, int, text, utcDateTime, zeekTime } from '../fields.js';
import { first, zeekParser } from './zeek.js';

/**
 * Zeek http.log → proxy. One request/response pair is one row; the client is id.orig_h, the server
 * id.resp_h (serverip) and its port uriport. Zeek logs no duration, category or proxy verdict: those are null.
 */
export const zeekHttp: Format = {
  name: 'zeek-http',
  type: 'proxy',
  description: 'Zeek http.log (TSV with #fields, or JSON lines)',
  parser: () =>
    zeekParser('http', ['ts', 'id.orig_h', 'id.resp_h', 'id.resp_p', 'method', 'host', 'uri'], (get) => {
      const when = utcDateTime(zeekTime(get('ts'), 'ts'));
      const host = get('host') ?? get('id.resp_h') ?? '-';
      const uri = get('uri') ?? '/';
      const q = uri.indexOf('?');
      const path = q < 0 ? uri : uri.slice(0, q);
      const query = q < 0 ? '-' : uri.slice(q);
      const status = get('status_code');
      return [
        when.slice(0, 10),
        when.slice(11),
        text(get('id.orig_h'), 'id.orig_h'),
        host,
        get('method') ?? '-',
        get('user_agent') ?? '-',
        first(get('resp_mime_types')) ?? '-',
        null,
        get('username') ?? '-',
        null,
        null,
        null,
        null,
        get('referrer') ?? '-',
        status === undefined ? '-' : int(status, 'status_code', 0, 999),
        null,
        'http',
        int(get('id.resp_p'), 'id.resp_p', 0, 65535),
        path,
        query,
        extensionOf(path),
        get('id.resp_h') ?? '-',
        int(get('response_body_len') ?? '0', 'response_body_len'),
        int(get('request_body_len') ?? '0', 'request_body_len'),
        null,
        null,
        null,
        fullUri(host, path, query),
      ];
    }),
};
