import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { ForwardFraction, Progress } from '../src/common/progress.js';

/** A stream that keeps what is written; `isTTY` makes it look like a terminal. */
class Capture extends Writable {
  text = '';
  columns = 100;
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

test('the shown share only moves forward when a step runs several statements', () => {
  const forward = new ForwardFraction();
  const shown = [0.83, 0.21, 0.43, 0.9, 0.1, 0.5, 1].map((f) => forward.next(f));
  for (let i = 1; i < shown.length; i++) assert.ok(shown[i] >= shown[i - 1], `${shown}`);
  assert.ok(shown[1] >= 0.83 && shown[2] > shown[1], 'a new statement continues from where the bar stood');
  assert.ok(shown.every((f) => f <= 1));
  assert.equal(shown[shown.length - 1], 1);
  assert.equal(new ForwardFraction().next(Number.NaN), 0);
});

test('not on a terminal: one line per step, the LDA bar one line per iteration; quiet: nothing', async () => {
  const out = new Capture(false);
  const progress = new Progress(false, out);
  assert.equal(await progress.step('reading the day', async () => 42, 1000), 42);
  const bar = progress.bar('LDA em', 2);
  bar.update(1, 'logLikelihood -10');
  bar.update(2, 'logLikelihood -9');
  bar.stop();
  const lines = out.text.trimEnd().split('\n');
  assert.equal(lines.length, 3, out.text);
  assert.match(lines[0], /^reading the day: \d+\.\d s/);
  assert.deepEqual(lines.slice(1), ['LDA em 1/2 logLikelihood -10', 'LDA em 2/2 logLikelihood -9']);
  assert.doesNotMatch(out.text, /\x1b/, 'no terminal escapes in a log');

  const silent = new Capture(false);
  const quiet = new Progress(true, silent);
  await quiet.step('x', async () => undefined);
  quiet.note('y');
  quiet.bar('z', 3).update(1, '');
  assert.equal(silent.text, '');
});

test('on a terminal the bar of a step of several statements never goes back', async () => {
  const out = new Capture(true);
  const progress = new Progress(false, out);
  const readings = [0.1, 0.5, 0.83, 0.21, 0.43, 0.6, 0.05, 0.3, 0.9];
  let polls = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  progress.follow(() => {
    const fraction = readings[Math.min(polls, readings.length - 1)];
    if (++polls === readings.length + 2) finish();
    return { fraction, rows: polls * 1000 };
  });
  await progress.step('words and corpus', () => done);
  const shown = [...out.text.matchAll(/\] (\d+)%/g)].map((m) => Number(m[1]));
  assert.ok(shown.length >= 3, out.text);
  for (let i = 1; i < shown.length; i++) assert.ok(shown[i] >= shown[i - 1], `went back: ${shown.join(' ')}`);
  assert.ok(Math.max(...shown) >= 83, shown.join(' '));
  assert.match(out.text, /words and corpus: \d+\.\d s\n$/);
});
