import { Command, Option } from 'commander';
import { SpotError } from '../common/errors.js';
import { DuckDbEngine } from '../engine/duckdb.js';
import { sqlIdent, sqlString } from '../engine/engine.js';
import type { AnalysisType } from '../pipeline/analysis.js';
import { explainEvents, type EventExplanation } from '../explain/explain.js';
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
    .description('print the top events of a scored run with their decoded words, the side that scored them and their percentile')
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

function showText(dir: string, type: AnalysisType, read: number, scored: number, reported: number, ip: string | undefined, events: EventExplanation[]): string {
  const lines = [
    `${type} run in ${dir}: ${read} rows read, ${scored} scored, ${reported} reported${ip ? `; events of ${ip}` : ''}`,
    events.length === 0 ? '(no events)' : '',
  ];
  for (const e of events) {
    const pct = e.percentile === null ? 'percentile unknown' : `percentile ${e.percentile.toPrecision(3)}`;
    lines.push(`#${e.rank}  score ${formatScore(e.score)}  (${pct})`);
    for (const f of labelledFields(type, e.fields)) lines.push(`    ${f.label.padEnd(13)} ${f.value}`);
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
