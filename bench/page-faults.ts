/**
 * What fresh memory costs on this machine (issue 13, session 12): the seconds per GiB of first touching
 * memory the process has just been given (a minor page fault per 4 KiB page), against writing the same
 * memory again once it is mapped. The robust mode's extra memory (about 0.9 GB more at 10M flows, faulted
 * in by the pairs' grouping) is paid at the first rate; on this kind of VM it is far above the usual
 * fraction of a second per GiB.
 *
 *   npx tsc -p . && node [--expose-gc] dist/bench/page-faults.js [--gib 1] [--runs 3]
 *
 * Each run's buffer is fresh memory either way (Node maps a buffer this large on its own); --expose-gc
 * only frees the previous run's buffer first, so that the process does not hold every run's at once.
 */

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Seconds and minor page faults of `work`. */
function timed(work: () => void): { seconds: number; faults: number } {
  const faults = process.resourceUsage().minorPageFault;
  const t = process.hrtime.bigint();
  work();
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, faults: process.resourceUsage().minorPageFault - faults };
}

function main(): void {
  const gib = arg('--gib', 1);
  const runs = arg('--runs', 3);
  const bytes = Math.round(gib * 2 ** 30);
  process.stdout.write('| run | first touch s/GiB | faults | rewrite s/GiB | faults |\n| --- | --- | --- | --- | --- |\n');
  for (let run = 1; run <= runs; run++) {
    // allocUnsafeSlow: fresh memory, not zero-filled by Node, so the first fill is the first touch.
    let buffer: Buffer | undefined = Buffer.allocUnsafeSlow(bytes);
    const first = timed(() => buffer!.fill(1));
    const again = timed(() => buffer!.fill(2));
    buffer = undefined;
    const perGib = (s: number) => (s / gib).toFixed(2);
    process.stdout.write(`| ${run} | ${perGib(first.seconds)} | ${first.faults.toLocaleString('en-US')} | ${perGib(again.seconds)} | ${again.faults.toLocaleString('en-US')} |\n`);
    (globalThis as { gc?: () => void }).gc?.();
  }
}

main();
