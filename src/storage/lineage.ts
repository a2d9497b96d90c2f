// A resumed run and the runs it continues (runs.parent + runs.iter_offset, from run.json), oldest
// first: what `plot` and `show` join into one continued curve. Read from the index rows, so the
// team database (no run folders there) draws the same curve: its reader names the parent host:id
// of the child's own host.
import type { MetricRow, RunRow } from '../core/rows.js';

/** What the lineage needs of a reader (ctx.reader(): the local index or the team database). */
export interface LineageSource {
  getRun(id: string): Promise<RunRow | undefined>;
  metricsOf(id: string): Promise<MetricRow[]>;
}

export interface LineagePart {
  id: string;
  metrics: MetricRow[];
  /** Training steps before this run started. */
  shift: number;
  /** This run's own last iteration that belongs to the joined curve (null: all of it). */
  upTo: number | null;
}

const MAX_DEPTH = 20;

function continuation(run: RunRow): { parent: string; offset: number } | null {
  const { parent, iter_offset: offset } = run;
  return parent !== null && offset !== null && offset >= 0 ? { parent, offset } : null;
}

/** [oldest ancestor, …, run]; just [run] when it continues nothing (or its parent is gone). */
export async function lineageOf(index: LineageSource, run: RunRow): Promise<LineagePart[]> {
  const parts: LineagePart[] = [];
  let current = run;
  let upTo: number | null = null;
  const seen = new Set<string>();
  for (let depth = 0; depth < MAX_DEPTH && !seen.has(current.id); depth++) {
    seen.add(current.id);
    const link = continuation(current);
    const parent = link ? await index.getRun(link.parent) : undefined;
    parts.unshift({
      id: current.id,
      metrics: await index.metricsOf(current.id),
      shift: parent ? link!.offset : 0,
      upTo,
    });
    if (!parent) break;
    // The parent's curve counts until the steps the child started from (in the parent's own iterations).
    const grand = continuation(parent);
    const parentShift = grand && (await index.getRun(grand.parent)) ? grand.offset : 0;
    upTo = link!.offset - parentShift;
    current = parent;
  }
  return parts;
}
