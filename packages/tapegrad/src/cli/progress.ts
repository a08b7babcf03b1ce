/**
 * Per-epoch progress bar. On a terminal it redraws one line with `\r` (at most every 100 ms); when the
 * output is a file or a pipe it prints a plain line at each quarter of the epoch instead, so logs hold no
 * carriage returns or escape codes.
 */

/** Where the CLI writes: `process.stdout` or a test double. */
export interface OutStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** Label before the bar, e.g. 'epoch 3/10'. */
  label: string;
  /** Batches in the epoch. */
  total: number;
  stream: OutStream;
  /** Clock in milliseconds (tests pass a fake one). */
  now?: () => number;
}

/**
 * @example
 * const bar = new ProgressBar({ label: 'epoch 1/10', total: 125, stream: process.stdout });
 * bar.update(1, 64, 2.30); ... bar.finish();
 */
export class ProgressBar {
  private readonly label: string;
  private readonly total: number;
  private readonly stream: OutStream;
  private readonly tty: boolean;
  private readonly now: () => number;
  private readonly start: number;
  private lastDraw = -Infinity;
  private lastWidth = 0;
  private nextQuarter = 1;
  private done = 0;
  private examples = 0;
  private loss = NaN;

  constructor(opts: ProgressOptions) {
    this.label = opts.label;
    this.total = Math.max(1, opts.total);
    this.stream = opts.stream;
    this.tty = opts.stream.isTTY === true;
    this.now = opts.now ?? (() => performance.now());
    this.start = this.now();
  }

  /** Records that `done` batches are finished, `examples` examples seen, running mean loss `loss`. */
  update(done: number, examples: number, loss: number): void {
    this.done = done;
    this.examples = examples;
    this.loss = loss;
    const t = this.now();
    if (this.tty) {
      if (t - this.lastDraw >= 100 || done >= this.total) {
        this.lastDraw = t;
        this.draw(t);
      }
    } else {
      // Quarter marks; the last one is printed by finish() so that it is printed exactly once.
      while (this.nextQuarter < 4 && done * 4 >= this.nextQuarter * this.total) {
        this.stream.write(this.text(t, false) + '\n');
        this.nextQuarter += 1;
      }
    }
  }

  /** Ends the bar's line (the caller then prints the epoch summary). */
  finish(): void {
    const t = this.now();
    if (this.tty) {
      this.draw(t);
      this.stream.write('\n');
    } else {
      this.stream.write(this.text(t, false) + '\n');
    }
  }

  private draw(t: number): void {
    const line = this.text(t, true);
    // Pad with spaces over the previous, possibly longer, line instead of using an erase escape code.
    this.stream.write('\r' + line + ' '.repeat(Math.max(0, this.lastWidth - line.length)));
    this.lastWidth = line.length;
  }

  private text(t: number, withBar: boolean): string {
    const secs = (t - this.start) / 1000;
    const rate = secs > 0 ? this.examples / secs : 0;
    const width = 24;
    const filled = Math.round((width * this.done) / this.total);
    const bar = withBar ? `[${'='.repeat(filled)}${filled < width ? '>' : ''}${' '.repeat(Math.max(0, width - filled - 1))}] ` : '';
    const digits = String(this.total).length;
    const loss = Number.isFinite(this.loss) ? this.loss.toFixed(4) : '-';
    let s = `${this.label} ${bar}${String(this.done).padStart(digits)}/${this.total} batches  loss ${loss}  ${Math.round(rate)} ex/s`;
    const cols = this.stream.columns;
    if (withBar && cols && s.length >= cols) s = s.slice(0, cols - 1);
    return s;
  }
}
