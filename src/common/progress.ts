import cliProgress from 'cli-progress';
import type { QueryProgress } from '../engine/engine.js';

/**
 * Progress on stderr: a live bar on a terminal, one line per step otherwise (logs, CI), nothing when quiet.
 */
export class Progress {
  private readonly tty: boolean;
  private source?: () => QueryProgress | undefined;

  constructor(
    private readonly quiet = false,
    /** Where progress goes (stderr; a test may pass a stream of its own). */
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  note(message: string): void {
    if (!this.quiet) this.stream.write(`${message}\n`);
  }

  /** Where step() reads the running statement's progress from (the engine's queryProgress). */
  follow(source: () => QueryProgress | undefined): void {
    this.source = source;
  }

  /**
   * Runs one engine step. On a terminal, a bar shows the running statement's share done and its rate
   * (rows per second), or the elapsed time when the engine does not say; the closing line gives the
   * step's time and its rate over `rows` when known.
   */
  async step<T>(label: string, work: () => Promise<T>, rows?: number): Promise<T> {
    const started = Date.now();
    const live = !this.quiet && this.tty ? this.liveBar(label) : undefined;
    try {
      return await work();
    } finally {
      live?.stop();
      const seconds = (Date.now() - started) / 1000;
      const rate = rows && seconds > 0 ? `, ${formatCount(Math.round(rows / seconds))} rows/s` : '';
      this.note(`${label}: ${seconds.toFixed(1)} s${rate}`);
    }
  }

  private liveBar(label: string): { stop(): void } {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% {rate} ({duration}s)`, stream: this.stream, hideCursor: true, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(1000, 0, { rate: '' });
    const forward = new ForwardFraction();
    let last = { rows: 0, at: Date.now() };
    const timer = setInterval(() => {
      const p = this.source?.();
      if (!p) return;
      const now = Date.now();
      const perSecond = p.rows >= last.rows && now > last.at ? ((p.rows - last.rows) * 1000) / (now - last.at) : 0;
      last = { rows: p.rows, at: now };
      bar.update(Math.floor(forward.next(p.fraction) * 1000), { rate: perSecond > 0 ? `${formatCount(Math.round(perSecond))} rows/s` : '' });
    }, 250);
    return {
      stop: () => {
        clearInterval(timer);
        bar.stop();
        this.stream.write('\r\x1b[K');
      },
    };
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
      { format: `${label} [{bar}] {value}/{total} {detail} ({duration}s)`, stream: this.stream, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { detail: '' });
    let shown = 0;
    return {
      update: (done, detail) => {
        shown = Math.max(shown, done);
        bar.update(shown, { detail });
      },
      stop: () => bar.stop(),
    };
  }
}

/**
 * A step's share done as shown: it only moves forward. A step may run several engine statements, each
 * reporting its own share from 0; when a new one starts (its share is below the previous reading), the
 * rest of the bar is shared out again from where it stood, so the shown share keeps growing and reaches
 * 1 only when a statement does.
 */
export class ForwardFraction {
  private shown = 0;
  private base = 0;
  private lastRaw = 0;

  next(raw: number): number {
    const f = Math.min(1, Math.max(0, Number.isFinite(raw) ? raw : 0));
    if (f < this.lastRaw) this.base = this.shown;
    this.lastRaw = f;
    this.shown = Math.max(this.shown, this.base + (1 - this.base) * f);
    return this.shown;
  }
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
