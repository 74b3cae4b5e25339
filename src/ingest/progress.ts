import { formatCount } from '../common/progress.js';

/** Lines read and lines per second on stderr: a live line on a terminal, a line every 10 s otherwise. */
export class IngestProgress {
  private readonly tty = Boolean(process.stderr.isTTY);
  private total = 0;
  private fileLines = 0;
  private fileStarted = 0;
  private readonly started = Date.now();
  private timer?: NodeJS.Timeout;
  private file = '';
  private live?: () => number | undefined;

  constructor(private readonly quiet: boolean) {}

  note(message: string): void {
    if (this.quiet) return;
    if (this.tty) process.stderr.write('\r\x1b[K');
    process.stderr.write(`${message}\n`);
  }

  start(file: string): void {
    this.file = file;
    this.fileLines = 0;
    this.fileStarted = Date.now();
    if (this.quiet || this.timer) return;
    this.timer = setInterval(() => this.show(), this.tty ? 500 : 10_000);
    this.timer.unref();
  }

  /** Runs `work`, showing the lines `live` says it has read so far (the engine's rows processed). */
  async during<T>(live: () => number | undefined, work: () => Promise<T>): Promise<T> {
    this.live = live;
    try {
      return await work();
    } finally {
      this.live = undefined;
    }
  }

  lines(n: number): void {
    this.total += n;
    this.fileLines += n;
  }

  done(file: string, lines: number): void {
    const s = (Date.now() - this.fileStarted) / 1000;
    this.note(`${file}: ${formatCount(lines)} lines in ${s.toFixed(1)} s${s > 0 ? ` (${formatCount(Math.round(this.fileLines / s))} lines/s)` : ''}`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.tty && !this.quiet) process.stderr.write('\r\x1b[K');
  }

  private show(): void {
    const s = (Date.now() - this.started) / 1000;
    const total = this.total + (this.live?.() ?? 0);
    const line = `reading ${this.file}: ${formatCount(total)} lines, ${formatCount(Math.round(total / Math.max(s, 0.001)))} lines/s`;
    process.stderr.write(this.tty ? `\r\x1b[K${line}` : `${line}\n`);
  }
}
