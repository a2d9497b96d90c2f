// A resumed run and the runs it continues (run.json `parent` + `iter_offset`), oldest first: what
// `plot` and `show` join into one continued curve.
import type { MetricRow, RunRow } from '../core/rows.js';
import { runPaths } from './layout.js';
import { readManifestFile } from './manifest-file.js';

/** What the lineage needs of a reader (the local index's, through ctx.reader()). */
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

function continuation(root: string, id: string): { parent: string; offset: number } | null {
  const read = readManifestFile(runPaths(root, id).manifest);
  if (read.kind !== 'ok') return null;
  const { parent, iter_offset: offset } = read.manifest;
  return typeof parent === 'string' && typeof offset === 'number' && offset >= 0 ? { parent, offset } : null;
}

/** [oldest ancestor, …, run]; just [run] when it continues nothing (or its parent is gone). */
export async function lineageOf(root: string, index: LineageSource, run: RunRow): Promise<LineagePart[]> {
  const parts: LineagePart[] = [];
  let id = run.id;
  let upTo: number | null = null;
  const seen = new Set<string>();
  for (let depth = 0; depth < MAX_DEPTH && !seen.has(id); depth++) {
    seen.add(id);
    const link = continuation(root, id);
    const parentIndexed = link !== null && (await index.getRun(link.parent)) !== undefined;
    const shift = parentIndexed ? link.offset : 0;
    parts.unshift({ id, metrics: await index.metricsOf(id), shift, upTo });
    if (!parentIndexed) break;
    // The parent's curve counts until the steps the child started from (in the parent's own iterations).
    const grand = continuation(root, link.parent);
    const parentShift = grand && (await index.getRun(grand.parent)) ? grand.offset : 0;
    upTo = link.offset - parentShift;
    id = link.parent;
  }
  return parts;
}
