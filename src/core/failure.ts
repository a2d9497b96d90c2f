// Why a run stopped, read from the end of its log (pure: lines in, one line out), and whether its
// losses diverged (NaN/inf are stored as NULL losses).
import type { MetricRow } from './rows.js';

/** `RuntimeError: …`, `KeyboardInterrupt`, `mlx_lm.tuner.X: …`: a Python exception line. */
const EXCEPTION = /^(?:[A-Za-z_][\w]*\.)*[A-Za-z_]\w*(?:Error|Exception|Interrupt|Exit|Failure|Warning)\b(?::.*)?$/;
/** Other last words worth showing: `error: …`, `Error: …`, `Killed`, `Segmentation fault`, `zsh: killed`. */
const OTHER = /^(?:.*\b(?:error|fatal)\b:|Killed\b|Segmentation fault|.*: killed\b|Abort trap|Bus error)/i;

/**
 * The last error line of a log tail: the final line of the last Python traceback (its exception),
 * else the last line that looks like an error. null when the log says nothing of the kind.
 */
export function failureReason(lines: readonly string[]): string | null {
  const clean = lines.map((l) => l.replace(/^\^C/, '').trim());
  const traceback = clean.lastIndexOf('Traceback (most recent call last):');
  const from = traceback >= 0 ? traceback + 1 : 0;
  for (let i = clean.length - 1; i >= from; i--) if (EXCEPTION.test(clean[i]!)) return clean[i]!;
  for (let i = clean.length - 1; i >= 0; i--) if (OTHER.test(clean[i]!)) return clean[i]!;
  return null;
}

export interface Divergence {
  /** A train or val loss was NaN or infinite. */
  diverged: boolean;
  /** How many train/val reports had one. */
  non_finite_losses: number;
  /** The first iteration that had one (null when none). */
  first_non_finite_iter: number | null;
}

/** Train and val reports always carry a loss: a NULL one was NaN or inf in the log. */
export function divergence(metrics: readonly Pick<MetricRow, 'split' | 'loss' | 'iter'>[]): Divergence {
  const bad = metrics.filter((m) => (m.split === 'train' || m.split === 'val') && m.loss === null);
  return { diverged: bad.length > 0, non_finite_losses: bad.length, first_non_finite_iter: bad[0]?.iter ?? null };
}
