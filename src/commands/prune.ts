// runs prune [RUN...|--all] [--keep best,last] [--dry-run]: delete periodic checkpoint files except
// the ones kept. Only `NNNNNNN_adapters.*` files are candidates: adapter_config.json and
// adapters.safetensors (what `--adapter-path` loads) never are.
import fs from 'node:fs';
import type { Context } from './context.js';
import { RunsError, UsageError } from '../core/errors.js';
import type { RunRow } from '../db/index.js';
import { runCheckpoints } from '../storage/run-checkpoints.js';
import { refresh } from '../indexer/refresh.js';
import { resolveRun } from '../db/index.js';

export interface PruneOptions {
  all?: boolean;
  keep?: string;
  dryRun?: boolean;
  /** Hears of each run looked at, then of each file deleted. */
  onProgress?: (done: number, total: number, what: 'runs' | 'files') => void;
}

export interface PrunedFile {
  id: string;
  iter: number;
  file: string;
  bytes: number;
}

export interface PruneResult {
  files: PrunedFile[];
  bytes: number;
  dryRun: boolean;
  /** Per run: what was kept and why, or why `best` could not be found. */
  notes: string[];
}

export function parseKeep(text: string | undefined): { best: boolean; last: boolean; iters: Set<number> } {
  const keep = { best: false, last: false, iters: new Set<number>() };
  const words = (text ?? 'best,last')
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);
  // An empty list (`--keep ""`, `--keep "$UNSET"`) would keep nothing and delete every checkpoint:
  // keeping nothing is asked for by name only.
  if (words.length === 0)
    throw new UsageError(
      '--keep is empty: name what to keep (best, last, iteration numbers), or none to keep no checkpoint',
    );
  for (const word of words) {
    if (word === 'best') keep.best = true;
    else if (word === 'last') keep.last = true;
    else if (word === 'none') continue;
    else if (/^\d+$/.test(word)) keep.iters.add(Number(word));
    else
      throw new UsageError(
        `--keep takes best, last, iteration numbers or none, comma-separated (got "${word}"), e.g. --keep best,last`,
      );
  }
  return keep;
}

export async function pruneRuns(ctx: Context, refs: string[], opts: PruneOptions): Promise<PruneResult> {
  const keep = parseKeep(opts.keep);
  if (refs.length === 0 && !opts.all)
    throw new UsageError('name the runs to prune, or pass --all (e.g. runs prune latest --dry-run)');
  if (refs.length > 0 && opts.all) throw new UsageError('pass either runs or --all, not both');
  await refresh(ctx);
  const reader = await ctx.reader();
  const notes: string[] = [];
  let runs: RunRow[];
  if (opts.all) {
    runs = (await reader.listRuns({ sort: 'started', descending: false })).filter((r) => {
      if (r.status !== 'running') return true;
      notes.push(`${r.id}: running, skipped`);
      return false;
    });
  } else {
    runs = [];
    for (const ref of refs) {
      const run = await resolveRun(ctx, ref);
      // The trainer may be writing (or about to overwrite) these very files.
      if (run.status === 'running') throw new RunsError(`${run.id} is still running; prune it once it has ended`);
      if (!runs.some((r) => r.id === run.id)) runs.push(run);
    }
  }

  const files: PrunedFile[] = [];
  for (const [i, run] of runs.entries()) {
    opts.onProgress?.(i, runs.length, 'runs');
    const cp = runCheckpoints(run, await reader.metricsOf(run.id));
    if (cp.files.length === 0) continue;
    const kept = new Set<number>(keep.iters);
    if (keep.last && cp.last) kept.add(cp.last.iter);
    if (keep.best) {
      if (cp.best.ok) kept.add(cp.best.iter);
      else notes.push(`${run.id}: no best checkpoint kept: ${cp.best.reason}`);
    }
    for (const f of cp.files)
      if (!kept.has(f.iter)) files.push({ id: run.id, iter: f.iter, file: f.file, bytes: f.bytes });
    if (kept.size)
      notes.push(
        `${run.id}: keeping ${[...kept]
          .sort((a, b) => a - b)
          .map((i) => String(i))
          .join(', ')}`,
      );
  }
  let bytes = 0;
  for (const [i, f] of files.entries()) {
    if (!opts.dryRun) {
      opts.onProgress?.(i, files.length, 'files');
      fs.rmSync(f.file);
    }
    bytes += f.bytes;
  }
  return { files, bytes, dryRun: Boolean(opts.dryRun), notes };
}
