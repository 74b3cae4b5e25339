import { readFileSync } from 'node:fs';
import type { Command } from 'commander';

/** package.json's version (dist/src/cli/ → the package root). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const EXAMPLES: Record<string, string[]> = {
  'spot-ml': [
    'npx spot-ml demo                                   # a synthetic day of each type, analysed (writes demo-output/)',
    'npx spot-ml --analysis flow --input demo-output/flow/hive/y=2016/m=05/d=05 --scored out/flow --threshold 1e-3 --maxresults 100',
    'npx spot-ml 20160505 flow 1e-3 100 --conf demo-output/spot.conf   # Spot\'s ml_ops.sh form, paths from spot.conf',
    'npx spot-ml help feedback                          # help of a subcommand',
  ],
  demo: ['npx spot-ml demo', 'npx spot-ml demo --out /tmp/spot-demo --hosts 500'],
  lda: ['npx spot-ml lda --corpus corpus.tsv --out model/', 'npx spot-ml lda --corpus corpus.tsv --topics 10 --optimizer online --alpha 0.1 --beta 0.01 --out model/'],
  feedback: [
    '# the least probable event of a results file, rated low risk, in the file the wrapper form reads',
    'npx spot-ml feedback --type flow --rating 3 --date 20160505 --conf demo-output/spot.conf \\',
    '  --results demo-output/flow/scored_results/20160505/scores/flow_results.csv --row 1',
    '# an event given by its fields, checked against the day it belongs to',
    'npx spot-ml feedback --type flow --rating 3 --file ml_feedback.csv --input demo-output/flow/hive/y=2016/m=05/d=05 \\',
    '  --tstart "2016-05-05 13:01:02" --sip 10.0.0.7 --dip 203.0.113.66 --sport 51515 --dport 4444 --ipkt 5 --ibyt 48000',
  ],
};

/**
 * Every command of the tree: examples after its help, and usage errors thrown (as CommanderError) to
 * main's single error report instead of commander printing and exiting on its own.
 */
export function finishCommandTree(command: Command): void {
  const examples = EXAMPLES[command.name()];
  if (examples) command.addHelpText('after', `\nExamples:\n${examples.map((e) => `  ${e}`).join('\n')}\n`);
  const path = commandPath(command);
  command.exitOverride((err) => {
    throw Object.assign(err, { helpHint: `see ${path} --help` });
  });
  command.configureOutput({ outputError: () => {} });
  for (const sub of command.commands) finishCommandTree(sub);
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
