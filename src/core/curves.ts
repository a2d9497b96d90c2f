// Joining the curves of a resumed run and its ancestors into one (pure).

export interface CurvePart {
  /** The part's own points (x = its own iteration). */
  points: readonly { x: number; y: number }[];
  /** Training steps before this part started (added to its x). */
  shift: number;
  /** Keep only points with own x <= upTo (a parent's curve ends where its child took over). */
  upTo: number | null;
}

/** The parts in training order, each cut where the next one resumed, shifted to global steps. */
export function joinCurves(parts: readonly CurvePart[]): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  for (const p of parts) {
    for (const pt of p.points) if (p.upTo === null || pt.x <= p.upTo) out.push({ x: pt.x + p.shift, y: pt.y });
  }
  return out;
}

/** A point on both x axes: iterations and trained tokens (null when the trainer did not say). */
export interface AxisPoint {
  iter: number;
  tokens: number | null;
  y: number;
}

/**
 * Every row with an iteration, on continued axes. A resumed segment restarts its iteration and
 * token counters (a new trainer process): it is laid after the previous segment on both. A row
 * without trained_tokens (a val report, a row before the first train report) takes the tokens
 * trained so far; in a segment that never reports tokens they are null.
 */
export function continuedAxes<R extends AxisRow>(
  rows: readonly R[],
): { row: R; iter: number; tokens: number | null }[] {
  const segmentHasTokens = new Set<number>();
  for (const r of rows)
    if (r.trained_tokens !== null && Number.isFinite(r.trained_tokens)) segmentHasTokens.add(r.segment);
  const out: { row: R; iter: number; tokens: number | null }[] = [];
  let segment = rows[0]?.segment ?? 0;
  let iterShift = 0;
  let segmentMaxIter = 0;
  let tokenShift = 0;
  let tokens = 0;
  for (const r of rows) {
    if (r.iter === null) continue;
    if (r.segment !== segment) {
      iterShift += segmentMaxIter;
      if (segmentHasTokens.has(segment)) tokenShift += tokens;
      segment = r.segment;
      segmentMaxIter = 0;
      tokens = 0;
    }
    segmentMaxIter = Math.max(segmentMaxIter, r.iter);
    if (r.trained_tokens !== null && Number.isFinite(r.trained_tokens)) tokens = r.trained_tokens;
    out.push({ row: r, iter: r.iter + iterShift, tokens: segmentHasTokens.has(segment) ? tokens + tokenShift : null });
  }
  return out;
}

/** What continuedAxes needs of a metrics row. */
export interface AxisRow {
  segment: number;
  iter: number | null;
  trained_tokens: number | null;
}

/** Tokens trained up to iteration `upTo` (continued axes), or null when none are known. */
export function tokensAt(rows: readonly AxisRow[], upTo: number | null): number | null {
  let last: number | null = null;
  for (const a of continuedAxes(rows)) if ((upTo === null || a.iter <= upTo) && a.tokens !== null) last = a.tokens;
  return last;
}

export interface AxisPart {
  points: readonly AxisPoint[];
  /** Training steps before this part started. */
  shift: number;
  /** Keep only points with own iter <= upTo. */
  upTo: number | null;
  /** The part's own trained tokens at upTo: where the next part's tokens continue from. */
  tokensAtUpTo: number | null;
}

/** joinCurves on both axes: each part's tokens continue after the tokens of the parts before. */
export function joinAxisCurves(parts: readonly AxisPart[]): AxisPoint[] {
  const out: AxisPoint[] = [];
  let tokenShift = 0;
  for (const p of parts) {
    for (const pt of p.points) {
      if (p.upTo !== null && pt.iter > p.upTo) continue;
      out.push({ iter: pt.iter + p.shift, tokens: pt.tokens === null ? null : pt.tokens + tokenShift, y: pt.y });
    }
    tokenShift += p.tokensAtUpTo ?? 0;
  }
  return out;
}
