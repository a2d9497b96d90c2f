// runs rm / runs restore / runs trash: run folders into `<root>/.trash/` and back, or gone for good.
// Reversible by design: rm is one rename (nothing in the folder changes), so restore gives back
// the same folder and, after re-indexing it, the same index row.
import type { Context } from './context.js';
import { RunsError } from '../core/errors.js';
import type { RunRow } from '../db/index.js';
import { parseRunId } from '../core/run-id.js';
import { resolveRunRef } from '../core/run-ref.js';
import { folderUsage } from '../storage/disk-usage.js';
import { pointLatestAt, repointLatestAfterRemoval } from '../storage/latest-link.js';
import { readManifestFile } from '../storage/manifest-file.js';
import { runPaths } from '../storage/layout.js';
import { deleteFromTrash, listTrash, moveToTrash, restoreFromTrash, trashDir } from '../storage/trash.js';
import { refresh } from '../indexer/refresh.js';
import { resolveRun } from '../db/index.js';
import { forgetRuns, syncOneRun } from '../indexer/sync.js';

export interface TrashedRun {
  id: string;
  status: string | null;
  total_bytes: number;
  path: string;
}

export async function removeRuns(ctx: Context, refs: string[]): Promise<{ removed: string[]; trash: string }> {
  await refresh(ctx);
  const { root } = ctx.locations();
  const runs: RunRow[] = [];
  for (const ref of refs) {
    const run = await resolveRun(ctx, ref);
    if (run.status === 'running') {
      throw new RunsError(
        `${run.id} is still running; stop its trainer first (Ctrl-C in its terminal), then runs rm it`,
      );
    }
    if (!runs.some((r) => r.id === run.id)) runs.push(run);
  }
  const removed: string[] = [];
  try {
    for (const run of runs) {
      moveToTrash(root, run.id);
      removed.push(run.id);
    }
  } finally {
    // Whatever was moved leaves the index and `latest`, even if a later move failed.
    if (removed.length) {
      await forgetRuns(ctx, removed);
      repointLatestAfterRemoval(root, removed);
    }
  }
  return { removed, trash: trashDir(root) };
}

/** A trash entry named by a run reference: full id or unique prefix (`latest` = newest id in the trash). */
function resolveTrashed(root: string, ref: string): string {
  const names = listTrash(root);
  if (names.length === 0) throw new RunsError(`the trash is empty (${trashDir(root)}): nothing to restore`);
  try {
    return resolveRunRef(
      ref,
      names.map((id) => ({ id, startedMs: parseRunId(id)?.startedAt.getTime() ?? 0 })),
    );
  } catch (err) {
    if (err instanceof RunsError)
      throw new RunsError(`${err.message.replace('see runs list', 'see runs trash')} (in the trash)`);
    throw err;
  }
}

export async function restoreRuns(ctx: Context, refs: string[]): Promise<{ restored: string[] }> {
  const { root } = ctx.locations();
  const ids = [...new Set(refs.map((ref) => resolveTrashed(root, ref)))];
  const restored: string[] = [];
  for (const id of ids) {
    restoreFromTrash(root, id);
    restored.push(id);
    await syncOneRun(ctx, id);
    pointLatestAt(root, id); // only moves `latest` when this run is the newest
  }
  return { restored };
}

export async function listTrashed(ctx: Context): Promise<TrashedRun[]> {
  const { root } = ctx.locations();
  return listTrash(root).map((id) => {
    const p = runPaths(trashDir(root), id);
    const m = readManifestFile(p.manifest);
    return {
      id,
      status: m.kind === 'ok' ? (m.manifest.status ?? null) : null,
      total_bytes: folderUsage(p.dir).total,
      path: p.dir,
    };
  });
}

/** Deletes every trashed run for good (the caller has asked the user). */
export async function emptyTrash(ctx: Context): Promise<{ deleted: string[]; bytes: number }> {
  const trashed = await listTrashed(ctx);
  deleteFromTrash(
    ctx.locations().root,
    trashed.map((t) => t.id),
  );
  return { deleted: trashed.map((t) => t.id), bytes: trashed.reduce((a, t) => a + t.total_bytes, 0) };
}
