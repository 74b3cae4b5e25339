import { Reject, SKIP, type Format, type LineParser, type Row } from '../format.js';
import { count, dateTime, int, num, show, text } from '../fields.js';

/** Spot's nfdump fork: 27 columns, `tr` first (the six time parts follow; they are recomputed from tr). */
const SPOT_FORK = 'tr,try,trm,trd,trh,trm,trs,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,dtos,dir,ra';

const COLUMNS: readonly [string, boolean][] = [
  ['td', true], ['sa', true], ['da', true], ['sp', true], ['dp', true], ['pr', true], ['flg', false], ['fwd', false], ['stos', false],
  ['ipkt', true], ['ibyt', true], ['opkt', true], ['obyt', true], ['in', false], ['out', false], ['sas', false], ['das', false],
  ['dtos', false], ['dir', false], ['ra', false],
];
/** Each column's index in a line (-1 when the header lacks it), and the time column's. */
type Columns = Record<string, number> & { time: number };

/**
 * nfdump's `-o csv` text, stock 1.7 (48 columns, header `ts,te,td,sa,...,tr`) or Spot's fork (27 columns).
 * The stock header is read by name, so a later nfdump that adds columns still maps. Stock output ends with
 * a `Summary` block (unless `-q`), which is read as a footer.
 */
export function nfdumpCsvParser(): LineParser {
  let time = 'ts';
  let width = 0;
  let footer = false;
  let cols: Columns | undefined;
  return {
    parse(line) {
      if (footer) return SKIP;
      if (cols === undefined) {
        if (line === '') return SKIP;
        const names = line.split(',').map((s) => s.trim());
        let a: Record<string, number>;
        if (line.startsWith('tr,try,')) {
          if (line !== SPOT_FORK) throw new Reject(`unexpected Spot nfdump header: ${show(line)}`);
          a = Object.fromEntries(names.map((n, i) => [n, i]).reverse());
          time = 'tr';
        } else if (names[0] === 'ts' && names.includes('sa') && names.includes('ibyt')) {
          a = Object.fromEntries(names.map((n, i) => [n, i]));
          time = 'ts';
        } else {
          throw new Reject(`not an nfdump CSV header (ts,te,td,sa,... or ${SPOT_FORK.slice(0, 16)}...): ${show(line)}`);
        }
        width = names.length;
        const index = (name: string, required: boolean) => {
          const i = a[name] ?? -1;
          if (required && i < 0) throw new Reject(`the nfdump CSV header has no ${name} column: ${show(line)}`);
          return i;
        };
        cols = Object.fromEntries(COLUMNS.map(([name, required]) => [name, index(name, required)])) as Columns;
        cols.time = index(time, true);
        return SKIP;
      }
      if (line === 'No matching flows') return SKIP;
      if (line === '' || line === 'Summary') {
        footer = true;
        return SKIP;
      }
      const f = line.split(',');
      if (f.length !== width) throw new Reject(`${f.length} fields, the header has ${width}`);
      const c = cols!;
      const opt = (i: number) => (i < 0 ? null : f[i].trim());
      const optInt = (i: number, name: string) => (i < 0 ? null : int(f[i].trim(), name, -2147483648));
      const row: Row = [
        dateTime(f[c.time], time),
        num(f[c.td], 'td'),
        text(f[c.sa], 'sa'),
        text(f[c.da], 'da'),
        int(f[c.sp], 'sp', 0, 65535),
        int(f[c.dp], 'dp', 0, 65535),
        text(f[c.pr], 'pr'),
        opt(c.flg),
        optInt(c.fwd, 'fwd'),
        optInt(c.stos, 'stos'),
        count(f[c.ipkt], 'ipkt'),
        count(f[c.ibyt], 'ibyt'),
        count(f[c.opkt], 'opkt'),
        count(f[c.obyt], 'obyt'),
        optInt(c.in, 'in'),
        optInt(c.out, 'out'),
        optInt(c.sas, 'sas'),
        optInt(c.das, 'das'),
        optInt(c.dtos, 'dtos'),
        optInt(c.dir, 'dir'),
        opt(c.ra),
      ];
      return row;
    },
    notTheFormat() {
      return cols === undefined ? 'no nfdump CSV header (ts,te,td,sa,... or tr,try,trm,...) was found' : undefined;
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
