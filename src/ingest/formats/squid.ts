import type { Format, FormatPlan } from '../format.js';
import { Checks, extensionSql, fullUriSql, utcText } from '../sql/checks.js';
import { planSelect } from '../sql/plan.js';

/** A request URL: scheme, authority and the rest; the authority's host and port (after any user@). */
const URL = '^(?:([A-Za-z][A-Za-z0-9+.-]*)://)?([^/?]*)(.*)$';

/**
 * Squid's native access.log: `time elapsed client code/status bytes method URL user hierarchy/peer type`,
 * fields separated by runs of spaces. Fields after the tenth (custom logformats) are ignored. A CONNECT
 * target (`host:443`) has no scheme or path: its scheme is `tcp`.
 */
function squidPlan(): FormatPlan {
  const f = (i: number) => `f[${i}]`;
  const c = new Checks();
  c.add(`len(f) < 10`, `len(f) || ' fields, Squid''s native format has 10'`);
  const when = c.typed(utcText(c.epochSeconds(f(1), 'time')));
  const slash = `strpos(${f(4)}, '/')`;
  c.add(`${slash} = 0`, `'code/status: no "/" in ' || CAST(to_json(${f(4)}) AS VARCHAR)`);
  const statusText = `substr(${f(4)}, ${slash} + 1)`;
  c.int(statusText, 'status', 0, 999);
  const peer = `strpos(${f(9)}, '/')`;
  // Each URL part computed once a line (raw over the split, typed over the raw), not repeated in every column.
  const target = c.raw(`CASE WHEN u.target = '' THEN '/' ELSE u.target END`);
  const q = c.raw(`strpos(CASE WHEN u.target = '' THEN '/' ELSE u.target END, '?')`);
  const path = c.typed(`CASE WHEN ${q} = 0 THEN ${target} ELSE coalesce(nullif(left(${target}, ${q} - 1), ''), '/') END`);
  const query = c.typed(`CASE WHEN ${q} = 0 THEN '-' ELSE substr(${target}, ${q}) END`);
  const scheme = c.raw(`coalesce(nullif(lower(u.scheme), ''), '-')`);
  const port = `coalesce(nullif(p, ''), CASE ${scheme} WHEN 'https' THEN '443' WHEN 'http' THEN '80' WHEN 'ftp' THEN '21' ELSE '-' END)`;
  const host = `CASE WHEN p = '' THEN hp ELSE left(hp, length(hp) - length(p) - 1) END`;
  return planSelect({
    type: 'proxy',
    split: {
      // Runs of spaces separate the fields: the empty strings between them are dropped (a regex split costs 5× as much).
      f: `list_filter(string_split(line, ' '), lambda x: x <> '')`,
      u: `regexp_extract(CASE WHEN f[6] = 'CONNECT' AND strpos(f[7], '://') = 0 THEN 'tcp://' || f[7] ELSE f[7] END, '${URL}', ['scheme', 'authority', 'target'])`,
      // The authority's host and port: after any user@, a port is the digits after the last colon.
      hp: `string_split(struct_extract(u, 'authority'), '@')[-1]`,
      p: `CASE WHEN contains(hp, ':') AND regexp_full_match(string_split(hp, ':')[-1], '[0-9]+') THEN string_split(hp, ':')[-1] ELSE '' END`,
    },
    skip: 'line IS NULL',
    checks: c,
    values: {
      p_date: `left(${when}, 10)`,
      p_time: `right(${when}, 8)`,
      clientip: f(3),
      host: c.raw(host),
      reqmethod: f(6),
      resconttype: f(10),
      duration: c.int(f(2), 'elapsed'),
      username: f(8),
      respcode: statusText,
      action: `left(${f(4)}, ${slash} - 1)`,
      urischeme: scheme,
      uriport: port,
      uripath: path,
      uriquery: query,
      uriextension: extensionSql(path),
      serverip: `CASE WHEN ${peer} = 0 THEN ${f(9)} ELSE substr(${f(9)}, ${peer} + 1) END`,
      scbytes: c.int(f(5), 'bytes'),
      fulluri: fullUriSql(c.raw(host), `CASE WHEN ${f(6)} = 'CONNECT' THEN '' ELSE ${path} END`, query),
    },
  });
}

export const squid: Format = {
  name: 'squid',
  type: 'proxy',
  description: "Squid's native access.log",
  plan: squidPlan,
};
