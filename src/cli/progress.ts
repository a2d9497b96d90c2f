// The progress line of a long pass (`runs index`, `push`, `prune`) on a terminal: one line on
// stderr, rewritten in place with \r, at most ~10 times a second, cleared at the end so the summary
// that follows starts on a clean line. Nothing at all for a pass that ends within `afterMs`, or
// when stderr is not a terminal (a pipe or a file gets the summary only). The passes report through
// an `onProgress(done, total)` callback; only this file knows about the terminal.
import { thousands } from '../core/thousands.js';
import type { Context, OutputStream } from '../commands/context.js';

export interface ProgressLine {
  /** `done` of `total` so far (cheap: call it for every item). */
  update: (done: number, total: number) => void;
  /** Clears the line if one was drawn. Safe to call twice. */
  end: () => void;
}

export interface ProgressOptions {
  /** What is counted: `indexing 1,234/10,000 runs` for (indexing, runs). */
  verb: string;
  unit: string;
  /** Draw nothing before this many ms have passed (a short pass stays silent). */
  afterMs: number;
  /** At most one redraw per this many ms. */
  intervalMs?: number;
  now?: () => number;
}

export function progressLine(stream: OutputStream, opts: ProgressOptions): ProgressLine {
  const now = opts.now ?? (() => performance.now());
  const interval = opts.intervalMs ?? 100;
  const started = now();
  let lastDraw: number | null = null;
  let drawn = false;
  return {
    update: (done, total) => {
      const t = now();
      if (t - started < opts.afterMs) return;
      if (lastDraw !== null && t - lastDraw < interval) return;
      lastDraw = t;
      drawn = true;
      // \x1b[K erases what a longer previous line left to the right.
      stream.write(`\r${opts.verb} ${thousands(done)}/${thousands(total)} ${opts.unit}\x1b[K`);
    },
    end: () => {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}

const SILENT: ProgressLine = { update: () => {}, end: () => {} };

/** Default wait before a pass shows progress (RUNS_PROGRESS_AFTER_MS overrides it). */
const AFTER_MS = 500;

/** A progress line on the command's stderr when it is a terminal; a silent one otherwise. */
export function terminalProgress(ctx: Context, verb: string, unit: string): ProgressLine {
  if (!ctx.io.stderr.isTTY) return SILENT;
  return progressLine(ctx.io.stderr, { verb, unit, afterMs: ctx.env.RUNS_PROGRESS_AFTER_MS ?? AFTER_MS });
}
