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
