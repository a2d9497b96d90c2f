// Comparing two runs (pure): changed keys, metric deltas with a verdict, val loss at shared iterations.

export interface KeyChange {
  key: string;
  a: unknown;
  b: unknown;
  changed: boolean;
}

/** Keys of both maps in order; only the changed ones unless `all`. */
export function diffKeys(a: Map<string, unknown>, b: Map<string, unknown>, all: boolean): KeyChange[] {
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out: KeyChange[] = [];
  for (const key of keys) {
    const av = a.get(key) ?? null;
    const bv = b.get(key) ?? null;
    const changed = JSON.stringify(av) !== JSON.stringify(bv);
    if (changed || all) out.push({ key, a: av, b: bv, changed });
  }
  return out;
}

export type Verdict = 'better' | 'worse' | 'same';

export interface MetricDelta {
  /** snake_case name (the `runs` column, or `val_loss` for the val loss at `iter`): for programs. */
  key: string;
  /** The iteration of a `val_loss` row; null for summary metrics. */
  iter: number | null;
  /** Label for people (`best val loss`, `val loss @ 300`). */
  metric: string;
  a: number | null;
  b: number | null;
  /** b - a */
  delta: number | null;
  /** From a's point of view: is b better? null when a side is missing or direction is neutral. */
  verdict: Verdict | null;
}

/** `direction`: 'lower' when lower is better (losses), 'higher' (throughput), 'none' (neutral). */
export function metricDelta(
  name: { key: string; metric: string; iter?: number },
  a: number | null,
  b: number | null,
  direction: 'lower' | 'higher' | 'none',
): MetricDelta {
  const { key, metric } = name;
  const iter = name.iter ?? null;
  if (a === null || b === null) return { key, iter, metric, a, b, delta: null, verdict: null };
  const delta = roundToOperands(b - a, a, b);
  // Compare at the precision the trainer prints (3 decimals) so 1.2000001 vs 1.2 is "same".
  const rounded = Math.round(delta * 1000) / 1000;
  let verdict: Verdict | null = null;
  if (direction !== 'none') {
    if (rounded === 0) verdict = 'same';
    else verdict = rounded < 0 === (direction === 'lower') ? 'better' : 'worse';
  }
  return { key, iter, metric, a, b, delta, verdict };
}

/**
 * `b - a` at the precision of its operands: 1.052 - 1.071 is -0.019, not -0.018999999999999906
 * (binary floats cannot hold most decimals). The digits come from the shortest decimal form of
 * each input, as printed by the trainer or stored in run.json; at most 12 (means of many values).
 */
export function roundToOperands(delta: number, a: number, b: number): number {
  const digits = Math.min(12, Math.max(decimalDigits(a), decimalDigits(b)));
  return Number(delta.toFixed(digits));
}

function decimalDigits(x: number): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return 0;
  const [mantissa, exponent] = String(x).split('e');
  const fraction = mantissa!.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent ?? 0));
}

export interface ValPoint {
  iter: number;
  loss: number | null;
}

/**
 * Val loss at the iterations both runs report (first segment for each: resumed runs restart their
 * counter, so later segments' iterations are not comparable).
 */
export function valLossAtSharedIters(a: readonly ValPoint[], b: readonly ValPoint[]): MetricDelta[] {
  const bAt = new Map<number, number | null>();
  for (const p of b) if (!bAt.has(p.iter)) bAt.set(p.iter, p.loss);
  const seen = new Set<number>();
  const out: MetricDelta[] = [];
  for (const p of a) {
    if (seen.has(p.iter) || !bAt.has(p.iter)) continue;
    seen.add(p.iter);
    out.push(
      metricDelta({ key: 'val_loss', metric: `val loss @ ${p.iter}`, iter: p.iter }, p.loss, bAt.get(p.iter)!, 'lower'),
    );
  }
  return out.sort((x, y) => x.iter! - y.iter!);
}
