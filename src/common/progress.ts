import cliProgress from 'cli-progress';

/**
 * Progress on stderr: a live bar on a terminal, one line per step otherwise (logs, CI), nothing when quiet.
 */
export class Progress {
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(private readonly quiet = false) {}

  note(message: string): void {
    if (!this.quiet) process.stderr.write(`${message}\n`);
  }

  /** Runs one engine step, showing elapsed time while it runs and the rate when `rows` is known. */
  async step<T>(label: string, work: () => Promise<T>, rows?: number): Promise<T> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    if (!this.quiet && this.tty) {
      const spin = ['|', '/', '-', '\\'];
      let i = 0;
      timer = setInterval(() => {
        const s = ((Date.now() - started) / 1000).toFixed(0);
        process.stderr.write(`\r${spin[i++ % 4]} ${label} ${s}s`);
      }, 250);
    }
    try {
      return await work();
    } finally {
      if (timer) {
        clearInterval(timer);
        process.stderr.write('\r\x1b[K');
      }
      const seconds = (Date.now() - started) / 1000;
      const rate = rows && seconds > 0 ? `, ${formatCount(Math.round(rows / seconds))} rows/s` : '';
      this.note(`${label}: ${seconds.toFixed(1)} s${rate}`);
    }
  }

  /** A bar over a known number of units (LDA iterations). */
  bar(label: string, total: number): { update(done: number, detail: string): void; stop(): void } {
    if (this.quiet) return { update() {}, stop() {} };
    if (!this.tty) {
      return {
        update: (done, detail) => this.note(`${label} ${done}/${total} ${detail}`),
        stop() {},
      };
    }
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {value}/{total} {detail} ({duration}s)`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { detail: '' });
    return { update: (done, detail) => bar.update(done, { detail }), stop: () => bar.stop() };
  }
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
