import { sqlString } from '../../engine/engine.js';
import { NotTheFormat, type Format, type FormatPlan } from '../format.js';
import { Checks, show } from '../sql/checks.js';
import { planSelect } from '../sql/plan.js';

/** Spot's nfdump fork: 27 columns, `tr` first (the six time parts follow; they are recomputed from tr). */
const SPOT_FORK = 'tr,try,trm,trd,trh,trm,trs,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,dtos,dir,ra';
const NO_HEADER = 'no nfdump CSV header (ts,te,td,sa,... or tr,try,trm,...) was found';

/**
 * nfdump's `-o csv` text, stock 1.7 (48 columns, header `ts,te,td,sa,...,tr`) or Spot's fork (27 columns).
 * The stock header is read by name, so a later nfdump that adds columns still maps. Stock output ends with
 * a `Summary` block (unless `-q`), read as a footer from the first empty or `Summary` line on.
 */
export function nfdumpCsvPlan(head: readonly string[]): FormatPlan {
  const at = head.findIndex((l) => l !== '');
  if (at < 0) throw new NotTheFormat(NO_HEADER);
  const header = head[at];
  const names = header.split(',').map((s) => s.trim());
  let index: Map<string, number>;
  let time: string;
  if (header.startsWith('tr,try,')) {
    if (header !== SPOT_FORK) throw new NotTheFormat(`unexpected Spot nfdump header: ${show(header)}`);
    // The fork names trm twice (month, then minute): the first one is kept (times come from tr anyway).
    index = new Map(names.map((n, i) => [n, i] as const).reverse());
    time = 'tr';
  } else if (names[0] === 'ts' && names.includes('sa') && names.includes('ibyt')) {
    index = new Map(names.map((n, i) => [n, i]));
    time = 'ts';
  } else {
    throw new NotTheFormat(`${NO_HEADER}; line ${at + 1} is ${show(header)}`);
  }
  const width = names.length;
  const h = at + 1;
  const field = (name: string, required: boolean): string | undefined => {
    const i = index.get(name);
    if (i === undefined && required) throw new NotTheFormat(`the nfdump CSV header has no ${name} column: ${show(header)}`);
    return i === undefined ? undefined : `f[${i + 1}]`;
  };
  const req = (name: string) => field(name, true)!;
  const c = new Checks({ delimiter: ',', width });
  c.add(`len(f) <> ${width}`, `len(f) || ${sqlString(` fields, the header has ${width}`)}`, true);
  const optInt = (name: string) => {
    const f = field(name, false);
    return f === undefined ? undefined : c.int(`trim(${f})`, name, -2147483648);
  };
  const opt = (name: string) => {
    const f = field(name, false);
    return f === undefined ? undefined : `trim(${f})`;
  };
  const values: Record<string, string | undefined> = {
    treceived: c.dateTime(req(time), time),
    tdur: c.num(req('td'), 'td'),
    sip: c.text(req('sa'), 'sa'),
    dip: c.text(req('da'), 'da'),
    sport: c.int(req('sp'), 'sp', 0, 65535),
    dport: c.int(req('dp'), 'dp', 0, 65535),
    proto: c.text(req('pr'), 'pr'),
    flag: opt('flg'),
    fwd: optInt('fwd'),
    stos: optInt('stos'),
    ipkt: c.count(req('ipkt'), 'ipkt'),
    ibyt: c.count(req('ibyt'), 'ibyt'),
    opkt: c.count(req('opkt'), 'opkt'),
    obyt: c.count(req('obyt'), 'obyt'),
    input: optInt('in'),
    output: optInt('out'),
    sas: optInt('sas'),
    das: optInt('das'),
    dtos: optInt('dtos'),
    dir: optInt('dir'),
    rip: opt('ra'),
  };
  return planSelect({
    type: 'flow',
    split: { f: `string_split(line, ',')` },
    // By content, not line number: the events are written by a pass that reads the file in any order.
    skip: `line IS NULL OR line = ${sqlString(header)} OR line = 'Summary' OR line = 'No matching flows'`,
    footer: { after: h, line: `line IS NULL OR line = 'Summary'` },
    checks: c,
    values: Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Record<string, string>,
  });
}

export const nfdumpCsv: Format = {
  name: 'nfdump-csv',
  type: 'flow',
  description: "nfdump -o csv text: stock 1.7 (48 columns) or Spot's fork (27 columns, tr,try,...)",
  plan: nfdumpCsvPlan,
};

export const nfcapd: Format = {
  name: 'nfcapd',
  type: 'flow',
  description: 'nfcapd files, read with `nfdump -r FILE -o csv` (TZ=UTC)',
  // nfdump prints an empty table for a file it cannot read: the nfcapd header's magic (0xA50C) is checked first.
  sniff: (head) => (head.length >= 2 && head[0] === 0x0c && head[1] === 0xa5 ? undefined : 'it does not start with the nfcapd magic number 0xA50C'),
  tool: (file) => ({ command: 'nfdump', args: ['-r', file, '-o', 'csv'], env: { TZ: 'UTC' }, debianPackage: 'nfdump' }),
  plan: nfdumpCsvPlan,
};
