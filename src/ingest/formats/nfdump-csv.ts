import { Reject, SKIP, type Format, type LineParser, type Row } from '../format.js';
import { count, dateTime, int, num, show, text } from '../fields.js';

/** Spot's nfdump fork: 27 columns, `tr` first (the six time parts follow; they are recomputed from tr). */
const SPOT_FORK = 'tr,try,trm,trd,trh,trm,trs,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,dtos,dir,ra';

/**
 * nfdump's `-o csv` text, stock 1.7 (48 columns, header `ts,te,td,sa,...,tr`) or Spot's fork (27 columns).
 * The stock header is read by name, so a later nfdump that adds columns still maps. Stock output ends with
 * a `Summary` block (unless `-q`), which is read as a footer.
 */
export function nfdumpCsvParser(): LineParser {
  let at: Record<string, number> | undefined;
  let time = 'ts';
  let width = 0;
  let footer = false;
  return {
    parse(line) {
      if (footer) return SKIP;
      if (at === undefined) {
        if (line === '') return SKIP;
        const names = line.split(',').map((s) => s.trim());
        if (line.startsWith('tr,try,')) {
          if (line !== SPOT_FORK) throw new Reject(`unexpected Spot nfdump header: ${show(line)}`);
          at = Object.fromEntries(names.map((n, i) => [n, i]).reverse());
          time = 'tr';
        } else if (names[0] === 'ts' && names.includes('sa') && names.includes('ibyt')) {
          at = Object.fromEntries(names.map((n, i) => [n, i]));
          time = 'ts';
        } else {
          throw new Reject(`not an nfdump CSV header (ts,te,td,sa,... or ${SPOT_FORK.slice(0, 16)}...): ${show(line)}`);
        }
        width = names.length;
        return SKIP;
      }
      if (line === 'No matching flows') return SKIP;
      if (line === '' || line === 'Summary') {
        footer = true;
        return SKIP;
      }
      const f = line.split(',');
      if (f.length !== width) throw new Reject(`${f.length} fields, the header has ${width}`);
      const v = (name: string) => f[at![name]];
      const opt = (name: string) => (at![name] === undefined ? null : f[at![name]].trim());
      const optInt = (name: string) => {
        const s = opt(name);
        return s === null ? null : int(s, name, -2147483648);
      };
      const row: Row = [
        dateTime(v(time), time),
        num(v('td'), 'td'),
        text(v('sa'), 'sa'),
        text(v('da'), 'da'),
        int(v('sp'), 'sp', 0, 65535),
        int(v('dp'), 'dp', 0, 65535),
        text(v('pr'), 'pr'),
        opt('flg'),
        optInt('fwd'),
        optInt('stos'),
        count(v('ipkt'), 'ipkt'),
        count(v('ibyt'), 'ibyt'),
        count(v('opkt'), 'opkt'),
        count(v('obyt'), 'obyt'),
        optInt('in'),
        optInt('out'),
        optInt('sas'),
        optInt('das'),
        optInt('dtos'),
        optInt('dir'),
        opt('ra'),
      ];
      return row;
    },
    notTheFormat() {
      return at === undefined ? 'no nfdump CSV header (ts,te,td,sa,... or tr,try,trm,...) was found' : undefined;
    },
  };
}

export const nfdumpCsv: Format = {
  name: 'nfdump-csv',
  type: 'flow',
  description: "nfdump -o csv text: stock 1.7 (48 columns) or Spot's fork (27 columns, tr,try,...)",
  parser: nfdumpCsvParser,
};

export const nfcapd: Format = {
  name: 'nfcapd',
  type: 'flow',
  description: 'nfcapd files, read with `nfdump -r FILE -o csv` (TZ=UTC)',
  // nfdump prints an empty table for a file it cannot read: the nfcapd header's magic (0xA50C) is checked first.
  sniff: (head) => (head.length >= 2 && head[0] === 0x0c && head[1] === 0xa5 ? undefined : 'it does not start with the nfcapd magic number 0xA50C'),
  tool: (file) => ({ command: 'nfdump', args: ['-r', file, '-o', 'csv'], env: { TZ: 'UTC' }, debianPackage: 'nfdump' }),
  parser: nfdumpCsvParser,
};
