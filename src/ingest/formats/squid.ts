import { Reject, type Format, type LineParser } from '../format.js';
import { count, epochMillis, int, fullUri, splitUrl, utcDateTime } from '../fields.js';

/**
 * Squid's native access.log: `time elapsed client code/status bytes method URL user hierarchy/peer type`,
 * fields separated by runs of spaces. Fields after the tenth (custom logformats) are ignored.
 */
function squidParser(): LineParser {
  return {
    parse(line) {
      const f = line.trim().split(/ +/);
      if (f.length < 10) throw new Reject(`${f.length} fields, Squid's native format has 10`);
      const when = utcDateTime(epochMillis(f[0], 'time'));
      const slash = f[3].indexOf('/');
      if (slash < 0) throw new Reject(`code/status: no "/" in ${JSON.stringify(f[3])}`);
      const status = int(f[3].slice(slash + 1), 'status', 0, 999);
      const peer = f[8].indexOf('/');
      const method = f[5];
      const url = splitUrl(method === 'CONNECT' && !f[6].includes('://') ? `//${f[6]}` : f[6]);
      const scheme = method === 'CONNECT' ? 'tcp' : url.scheme;
      return [
        when.slice(0, 10),
        when.slice(11),
        f[2],
        url.host,
        method,
        null,
        f[9],
        int(f[1], 'elapsed'),
        f[7],
        null,
        null,
        null,
        null,
        null,
        status,
        f[3].slice(0, slash),
        scheme,
        url.port,
        url.path,
        url.query,
        url.extension,
        peer < 0 ? f[8] : f[8].slice(peer + 1),
        int(count(f[4], 'bytes'), 'bytes'),
        null,
        null,
        null,
        null,
        fullUri(url.host, method === 'CONNECT' ? '' : url.path, url.query),
      ];
    },
  };
}

export const squid: Format = {
  name: 'squid',
  type: 'proxy',
  description: "Squid's native access.log",
  parser: squidParser,
};
