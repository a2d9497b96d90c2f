// Chart series thinning for the web view: at most `maxPoints` points, keeping every peak. Per
// bucket of consecutive points the lowest and the highest are kept (in x order), plus the first
// and the last point, so a loss spike or the best val loss never disappears from a chart the way
// it does with every-n-th sampling. JSON rows (/api/runs/<id>/metrics) are never thinned.

/** Indices (ascending) of the points to keep from `ys`. */
export function downsampleMinMax(ys: readonly number[], maxPoints: number): number[] {
  const n = ys.length;
  if (n <= maxPoints || maxPoints < 4) return ys.map((_, i) => i);
  // Two points per bucket; the first and the last point come on top.
  const buckets = Math.floor((maxPoints - 2) / 2);
  const inner = n - 2;
  const keep = [0];
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor((b * inner) / buckets);
    const to = 1 + Math.floor(((b + 1) * inner) / buckets);
    if (from >= to) continue;
    let lo = from;
    let hi = from;
    for (let i = from + 1; i < to; i++) {
      if (ys[i]! < ys[lo]!) lo = i;
      if (ys[i]! > ys[hi]!) hi = i;
    }
    if (lo === hi) keep.push(lo);
    else keep.push(Math.min(lo, hi), Math.max(lo, hi));
  }
  keep.push(n - 1);
  return keep;
}
