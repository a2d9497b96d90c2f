// runs du [RUN...]: bytes per run (checkpoints, log, other), largest first.
import type { Context } from './context.js';
import { folderUsage } from '../storage/disk-usage.js';
import { runPaths } from '../storage/layout.js';
import { refresh } from '../indexer/refresh.js';
import { resolveRun } from '../db/index.js';

export interface RunUsage {
  id: string;
  status: string;
  checkpoint_files: number;
  checkpoints_bytes: number;
  log_bytes: number;
  other_bytes: number;
  total_bytes: number;
}

export async function diskUsage(ctx: Context, refs: string[]): Promise<RunUsage[]> {
  await refresh(ctx);
  const reader = await ctx.reader();
  const { root } = ctx.locations();
  const runs = refs.length
    ? await Promise.all(refs.map((r) => resolveRun(ctx, r)))
    : await reader.listRuns({ sort: 'started', descending: false });
  const statusOf = new Map(runs.map((r) => [r.id, r.status]));
  const rows = [...statusOf].map(([id, status]) => {
    const u = folderUsage(runPaths(root, id).dir);
    return {
      id,
      status,
      checkpoint_files: u.checkpointFiles.length,
      checkpoints_bytes: u.checkpoints,
      log_bytes: u.log,
      other_bytes: u.other,
      total_bytes: u.total,
    };
  });
  return rows.sort((a, b) => b.total_bytes - a.total_bytes || (a.id < b.id ? -1 : 1));
}
