import { Command, Option } from 'commander';
import { SpotError } from '../common/errors.js';
import { DuckDbEngine } from '../engine/duckdb.js';
import { sqlIdent, sqlString } from '../engine/engine.js';
import type { AnalysisType } from '../pipeline/analysis.js';
import { explainEvents, type EventExplanation } from '../explain/explain.js';
import type { RobustExplanation, RobustMissing } from '../explain/robust-parts.js';
import { formatScore, ipColumns, labelledFields } from '../explain/event-view.js';
import { openRun } from '../explain/run-files.js';
import { RunTables } from '../explain/run-tables.js';
import { parseNumber } from './options.js';

interface ShowFlags {
  scored: string;
  type?: AnalysisType;
  top: number;
  ip?: string;
  json: boolean;
}

/** `spot-ml show`: the most suspicious events of a run, each explained, in a terminal. */
export function showCommand(): Command {
  return new Command('show')
    .description('print the top events of a scored run with their percentile and why they scored so: decoded words and the scoring side (spot), the parts of the surprise (robust)')
    .requiredOption('--scored <dir>', 'the scored folder of a run (as given to --scored)')
    .addOption(new Option('--type <type>', 'analysis type, when the folder holds more than one').choices(['flow', 'dns', 'proxy']))
    .addOption(new Option('--top <N>', 'how many events').default(10).argParser(parseNumber('--top', { integer: true, min: 1 })))
    .option('--ip <addr>', "only this IP's events")
    .option('--json', 'print JSON instead of text', false)
    .action(async (flags: ShowFlags) => {
      const run = await openRun(flags.scored, flags.type);
      const engine = await DuckDbEngine.open({ threads: 2 });
      try {
        const tables = new RunTables(engine, run, 'show');
        await tables.ensure().catch((err: Error) => {
          throw new SpotError(`cannot read ${run.resultsFile}: ${err.message.split('\n')[0]}`);
        });
        const where = flags.ip ? `WHERE ${ipColumns(run.type).map((c) => `${sqlIdent(c)} = ${sqlString(flags.ip!)}`).join(' OR ')}` : '';
        const ranks = await engine.rows(`SELECT rank FROM ${tables.ranked()} ${where} ORDER BY rank LIMIT ${flags.top}`);
        const events = await explainEvents(engine, tables, ranks.map((r) => Number(r.rank)));
        const s = run.summary;
        const header = { scored: run.dir, type: run.type, rowsRead: s.rowsRead, scored_events: s.scored, reported: s.reported, ip: flags.ip ?? null };
        if (flags.json) process.stdout.write(JSON.stringify({ run: header, events }, null, 2) + '\n');
        else process.stdout.write(showText(run.dir, run.type, s.rowsRead, s.scored, s.reported, flags.ip, events));
      } finally {
        await engine.close();
      }
    });
}

const nats = (x: number | null) => (x === null ? '-' : x.toFixed(3));

/** A robust event's surprise in a few lines: its unit, S as the sum of its parts, the odd features and the pair's figures. */
function robustLines(r: RobustExplanation | RobustMissing): string[] {
  if ('robustNote' in r) return [`    (${r.robustNote})`];
  const lines = [
    `    why: ${r.unit} unit, host ${r.host ?? '-'} -> peer ${r.peer ?? '-'}${r.initiated ? ' (the host initiated it)' : ' (not initiated by the host: P not counted)'}`,
    `    surprise S ${nats(r.surprise)} = features A ${nats(r.feature_part)} + pair P ${nats(r.initiated ? r.pair_part : 0)} + host odd ${nats(r.host_odd)}`,
  ];
  if (r.rated) lines.push(`    rated: analyst feedback changed S; its parts add up to ${nats(r.partsSum)}`);
  const odd = r.features.filter((f) => f.surprise > 0);
  lines.push(`    features: ${r.features.map((f) => `${f.name} ${f.value ?? '(none)'}${f.surprise > 0 ? ` [${nats(f.surprise)}]` : ''}`).join(', ')}${odd.length === 0 ? ' (none odd for the host)' : ''}`);
  lines.push(
    `    pair: peer rarity B ${nats(r.peer_rarity)}, r ${nats(r.rarity_weight)}, persistence ${nats(r.persistence)}, volume ${nats(r.volume)}, ` +
      `routine ${nats(r.routine)}, regularity ${nats(r.regularity)}, host fan-out ${nats(r.fanout)}: P ${nats(r.pair_part)}`,
  );
  return lines;
}

function showText(dir: string, type: AnalysisType, read: number, scored: number, reported: number, ip: string | undefined, events: EventExplanation[]): string {
  const lines = [
    `${type} run in ${dir}: ${read} rows read, ${scored} scored, ${reported} reported${ip ? `; events of ${ip}` : ''}`,
    events.length === 0 ? '(no events)' : '',
  ];
  for (const e of events) {
    const pct = e.percentile === null ? 'percentile unknown' : `percentile ${e.percentile.toPrecision(3)}`;
    lines.push(`#${e.rank}  score ${formatScore(e.score)}  (${pct})`);
    for (const f of labelledFields(type, e.fields)) lines.push(`    ${f.label.padEnd(13)} ${f.value}`);
    if (e.robust) lines.push(...robustLines(e.robust));
    for (const s of e.slots) {
      const mark = s.scoring ? '  <- scored the event' : '';
      lines.push(`    ${s.side} ${s.ip}: word ${s.word ?? '(none)'}, score ${s.breakdown ? formatScore(s.breakdown.score) : '-'}${mark}`);
      for (const p of s.parts) lines.push(`        ${p.part.padEnd(22)} ${p.value.padEnd(8)} ${p.meaning}`);
      if (s.breakdown) {
        const b = s.breakdown;
        lines.push(`        used ${b.ipWordCount} of ${b.ipEvents} times by this IP; ${b.ipsWithWord} IP(s) used it that day`);
        const top = b.topics.slice(0, 3).map((t) => `topic ${t.topic}: θ ${t.theta.toFixed(3)} × φ ${t.phi.toExponential(2)}`);
        lines.push(`        largest parts: ${top.join('; ')}`);
      }
    }
    if (type === 'flow' && e.scoringSide) lines.push(`    scored by the ${e.scoringSide} side`);
    lines.push('');
  }
  return lines.join('\n') + '\n';
}
